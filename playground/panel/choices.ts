import type { UserChoices } from '../../emulator/src/simulated-wx'
import { byId, el, segmented } from './dom'
import {
  NEW_BASE_LIBRARY,
  OLD_BASE_LIBRARY,
  readSettings,
  writeSettings,
  type PlaygroundSettings,
} from '../shared/settings'

type Answer = [value: string, label: string]
const ALLOW_DENY: Answer[] = [
  ['allow', 'Allow'],
  ['deny', 'Deny'],
]

interface Prompt {
  /** element id part: #choice-<key>-<answer> */
  key: string
  label: string
  hint: string
  answers: Answer[]
  read(choices: UserChoices): string
  write(choices: UserChoices, answer: string): void
}

const simple = (
  key: 'privacy' | 'chooseAvatar' | 'phoneNumber' | 'getUserProfile',
  hint: string,
  answers: Answer[],
): Prompt => ({
  key,
  label: key === 'privacy' ? 'privacy popup' : key === 'phoneNumber' ? 'getPhoneNumber' : key,
  hint,
  answers,
  read: (choices) => choices[key],
  write: (choices, answer) => void ((choices as unknown as Record<string, string>)[key] = answer),
})

const scope = (name: string, hint: string): Prompt => ({
  key: name,
  label: name,
  hint,
  answers: ALLOW_DENY,
  read: (choices) => choices.scopes[`scope.${name}`] ?? 'allow',
  write: (choices, answer) =>
    void (choices.scopes = { ...choices.scopes, [`scope.${name}`]: answer as 'allow' | 'deny' }),
})

const PROMPTS: Prompt[] = [
  simple('privacy', "WeChat's own privacy popup, shown when the page has no consent sheet of its own", [
    ['agree', 'Agree'],
    ['disagree', 'Decline'],
  ]),
  simple('chooseAvatar', 'the avatar picker of open-type="chooseAvatar"', [
    ['choose', 'Pick'],
    ['cancel', 'Cancel'],
  ]),
  simple('phoneNumber', 'the phone number dialog of open-type="getPhoneNumber" and its documented failures', [
    ['allow', 'Allow'],
    ['deny', 'Deny'],
    ['quota', 'Quota used up (1400001)'],
    ['noPermission', 'No permission'],
    ['noPhone', 'No phone on WeChat'],
  ]),
  simple('getUserProfile', 'the profile dialog of wx.getUserProfile (old base library only)', ALLOW_DENY),
]
const SCOPES: Prompt[] = [
  scope('userLocation', 'wx.authorize / getLocation'),
  scope('userLocationBackground', 'only in the settings page (openSetting)'),
  scope('writePhotosAlbum', 'wx.authorize'),
  scope('camera', 'wx.authorize'),
  scope('record', 'wx.authorize'),
  scope('werun', 'wx.authorize'),
]

function grid(prompts: Prompt[], settings: PlaygroundSettings): HTMLElement {
  const cells = prompts.flatMap((prompt) => [
    el('span', { class: 'choices__label', title: prompt.hint }, prompt.label),
    segmented(`choice-${prompt.key}`, prompt.answers, prompt.read(settings.choices), (answer) => {
      const latest = readSettings()
      prompt.write(latest.choices, answer)
      writeSettings(latest)
    }),
  ])
  return el('div', { class: 'choices' }, ...cells)
}

/**
 * How the simulated user answers each WeChat prompt (applied to the next prompt, no relaunch), and which
 * base library the phone runs (a relaunch: WeChat picks it when the mini program starts).
 */
export function choicesSection(onBaseLibrary: () => void): void {
  const settings = readSettings()
  byId('choices-prompts').replaceChildren(grid(PROMPTS, settings))
  byId('choices-scopes').replaceChildren(grid(SCOPES, settings))

  const versions: Answer[] = [
    ['new', `${NEW_BASE_LIBRARY} (current)`],
    ['old', `${OLD_BASE_LIBRARY} (old)`],
  ]
  const current = settings.baseLibrary === OLD_BASE_LIBRARY ? 'old' : 'new'
  const group = segmented('base-library', versions, current, (which) => {
    writeSettings({ ...readSettings(), baseLibrary: which === 'old' ? OLD_BASE_LIBRARY : NEW_BASE_LIBRARY })
    onBaseLibrary()
  })
  byId('base-library').replaceChildren(group)
}
