// Number formatting and the one table, for the console and for Markdown.
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
export const rawGzip = (p) => `${kb(p.raw)} / ${kb(p.gzip)}`
export const ratio = (a, b) => (b ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}x` : 'n/a')
export const ms = (n) => (n === null || n === undefined ? 'n/a' : `${n} ms`)
export const signedKb = (bytes) => `${bytes > 0 ? '+' : bytes < 0 ? '-' : ''}${(Math.abs(bytes) / 1024).toFixed(1)} KB`
export const pct = (delta, base) => `${delta > 0 ? '+' : ''}${((100 * delta) / base).toFixed(1)}%`

/** Plain-text table: columns padded to their widest cell, a rule under the header and between sections. */
export function textTable(header, rows) {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter(Array.isArray).map((r) => String(r[i] ?? '').length)),
  )
  const line = (cells) =>
    cells
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(header), rule, ...rows.map((r) => (Array.isArray(r) ? line(r) : rule))].join('\n')
}

export function markdownTable(header, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|')
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.filter(Array.isArray).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n')
}
