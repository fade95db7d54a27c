/**
 * Full-jitter backoff: a delay drawn uniformly from [0, min(max, base * 2^(n-1))], so that many
 * calls failing together retry spread out in time, never in lockstep (case C19).
 */
export function fullJitterDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}
