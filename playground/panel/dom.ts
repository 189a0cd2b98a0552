/** A tiny element builder: the panel is a few dozen nodes, not worth a framework. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string | null>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value)
  for (const child of children) if (child !== null) node.append(child)
  return node
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`#${id} is missing from the panel page`)
  return node as T
}

/** Two or more mutually exclusive buttons; `aria-pressed` marks the chosen one. */
export function segmented(
  idPrefix: string,
  options: Array<[value: string, label: string]>,
  current: string,
  onPick: (value: string) => void,
): HTMLElement {
  const group = el('div', { class: 'segmented', role: 'group' })
  for (const [value, label] of options) {
    const button = el(
      'button',
      { type: 'button', id: `${idPrefix}-${value}`, 'aria-pressed': String(value === current) },
      label,
    )
    button.addEventListener('click', () => {
      for (const other of Array.from(group.children)) other.setAttribute('aria-pressed', String(other === button))
      onPick(value)
    })
    group.append(button)
  }
  return group
}
