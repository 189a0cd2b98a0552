// Small statistics for timings.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

/** median and spread of a sample: interquartile range (p25-p75) and extremes */
export function spread(values, digits = 1) {
  return {
    median: round(median(values), digits),
    p25: round(percentile(values, 25), digits),
    p75: round(percentile(values, 75), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
    n: values.length,
  }
}
