/**
 * An H5-only rendering fix: React 18 writes `disabled={false}` on a custom element as the attribute
 * disabled="false", and both Taro's button styles (taro-button-core[disabled]) and ours
 * (.primary-button[disabled]) then draw an enabled button as disabled. In WeChat the attribute is a real
 * boolean. Removing the "false" attributes makes the H5 pages look as they do in WeChat; the component's
 * `disabled` property, which decides behaviour, is untouched.
 */
const BOOLEAN_ATTRIBUTES = ['disabled', 'loading']

function clean(node: Node): void {
  if (!(node instanceof Element)) return
  for (const el of [
    node,
    ...Array.from(node.querySelectorAll(BOOLEAN_ATTRIBUTES.map((a) => `[${a}="false"]`).join(','))),
  ]) {
    for (const name of BOOLEAN_ATTRIBUTES) if (el.getAttribute(name) === 'false') el.removeAttribute(name)
  }
}

export function dropFalseBooleanAttributes(root: Node = document.documentElement): void {
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') clean(record.target)
      record.addedNodes.forEach(clean)
    }
  }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: BOOLEAN_ATTRIBUTES })
  clean(root)
}
