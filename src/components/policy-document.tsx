import { Text, View } from '@tarojs/components'
import './policy-document.scss'

export interface PolicySection {
  heading: string
  /** a lead paragraph, then the points as a list */
  lead?: string
  points?: string[]
}

interface Props {
  id: string
  title: string
  /** e.g. 版本 2026-11 · 生效日期 */
  meta: string
  intro: string
  sections: PolicySection[]
}

/** A legal text as people read it on a phone: a title, short sections with headings, numbered points. */
export function PolicyDocument({ id, title, meta, intro, sections }: Props) {
  return (
    <View className="doc" id={id}>
      <Text className="doc__title">{title}</Text>
      <Text className="doc__meta">{meta}</Text>
      <Text className="doc__p">{intro}</Text>
      {sections.map((section, i) => (
        <View className="doc__section" key={section.heading}>
          <Text className="doc__heading">
            {i + 1}. {section.heading}
          </Text>
          {section.lead ? <Text className="doc__p">{section.lead}</Text> : null}
          {(section.points ?? []).map((point, j) => (
            <View className="doc__item" key={point}>
              <Text className="doc__bullet">{`${i + 1}.${j + 1}`}</Text>
              <Text className="doc__item-text">{point}</Text>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
