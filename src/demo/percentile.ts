/**
 * The nearest-rank percentile of `values` (p in 0..100): a value that was actually seen, never
 * an interpolation, so "p95 wait 1m05s" names a real call's wait. NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}
