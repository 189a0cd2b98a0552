import { byId } from './dom'
import type { Phone } from './phone'

/** The map's window onto the world: around WeChat DevTools' default position in Guangzhou. */
const BOUNDS = { north: 23.115, south: 23.085, west: 113.305, east: 113.345 }
const WALK_STEP_MS = 1000
/** a short walk east along the river, then north (what a run-tracking page would record) */
const PATH: Array<[number, number]> = [
  [23.0995, 113.3155],
  [23.0998, 113.3205],
  [23.1002, 113.3255],
  [23.1005, 113.3305],
  [23.1035, 113.3325],
  [23.1068, 113.3338],
]

type Position = { latitude: number; longitude: number }

const toMap = ({ latitude, longitude }: Position) => ({
  x: (longitude - BOUNDS.west) / (BOUNDS.east - BOUNDS.west),
  y: (BOUNDS.north - latitude) / (BOUNDS.north - BOUNDS.south),
})

/**
 * The phone's side of location and app state (the simulated client's `location` control): a click on the map
 * or a walk along a path moves the phone; Foreground/Background is the user leaving the mini program. The
 * app receives the move only as WeChat would deliver it (emulator/src/simulated-wx/apis/location.ts).
 */
export function deviceSection(phone: Phone): void {
  const map = byId('location-map')
  const pin = byId('location-pin')
  const status = byId('location-status')
  const walk = byId<HTMLButtonElement>('location-walk')
  const stopWalk = byId<HTMLButtonElement>('location-stop-walk')
  let walking: ReturnType<typeof setInterval> | undefined
  let last = ''

  const show = () => {
    const location = phone.device()?.location
    if (!location) {
      status.textContent = 'the app is loading…'
      return
    }
    const s = location.status()
    const { x, y } = toMap(s.position)
    pin.style.left = `${Math.min(Math.max(x, 0), 1) * 100}%`
    pin.style.top = `${Math.min(Math.max(y, 0), 1) * 100}%`
    const mode = s.mode === 'off' ? 'no location updates started' : `${s.mode} updates on`
    status.textContent =
      `${s.position.latitude.toFixed(6)}, ${s.position.longitude.toFixed(6)} · app ${s.inBackground ? 'in the background' : 'in the foreground'} · ${mode}` +
      (last ? ` · last move: ${last}` : '')
  }

  const move = (to: Position) => {
    const location = phone.device()?.location
    if (!location) return
    last = location.move(to) ? 'delivered to the app' : 'not delivered (no update running for this state)'
    show()
  }

  map.addEventListener('click', (event) => {
    const box = map.getBoundingClientRect()
    const x = (event.clientX - box.left) / box.width
    const y = (event.clientY - box.top) / box.height
    move({
      latitude: BOUNDS.north - y * (BOUNDS.north - BOUNDS.south),
      longitude: BOUNDS.west + x * (BOUNDS.east - BOUNDS.west),
    })
  })

  const endWalk = () => {
    if (walking) clearInterval(walking)
    walking = undefined
    walk.hidden = false
    stopWalk.hidden = true
  }
  walk.addEventListener('click', () => {
    endWalk()
    let step = 0
    walk.hidden = true
    stopWalk.hidden = false
    const next = () => {
      const [latitude, longitude] = PATH[step++]
      move({ latitude, longitude })
      if (step >= PATH.length) endWalk()
    }
    next()
    walking = setInterval(next, WALK_STEP_MS)
  })
  stopWalk.addEventListener('click', endWalk)

  byId('app-background').addEventListener('click', () => {
    phone.setBackground(true)
    show()
  })
  byId('app-foreground').addEventListener('click', () => {
    phone.setBackground(false)
    show()
  })
  setInterval(show, 1000)
  show()
}
