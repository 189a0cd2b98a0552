import { cloudFileUrl } from '../shared/cloud-file'

/**
 * WeChat's <image> loads `cloud://` file IDs itself; a browser cannot. Every <img> that gets one (Taro's H5
 * <Image> renders a plain <img>) is pointed at the emulator's download URL instead.
 */
export function showCloudImages(root: Node = document.documentElement): void {
  const fix = (node: Node) => {
    if (!(node instanceof Element)) return
    const images = node instanceof HTMLImageElement ? [node] : Array.from(node.querySelectorAll('img'))
    for (const img of images) {
      const src = img.getAttribute('src') ?? ''
      const url = src.startsWith('cloud://') ? cloudFileUrl(src) : null
      if (url) img.setAttribute('src', url)
    }
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') fix(record.target)
      record.addedNodes.forEach(fix)
    }
  }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] })
  fix(root)
}
