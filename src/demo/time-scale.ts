/**
 * The demo's declared time scale. The simulator and keypool share one ScaledClock, so quota
 * minutes pass `speed` times faster than real ones; everything the demo prints about time is in
 * that demo time, and the header says how it maps to real time.
 */

const MINUTE_MS = 60_000

/** "1 minute = 5 seconds" for speed 12. */
export function describeScale(speed: number): string {
  const seconds = MINUTE_MS / speed / 1000
  const shown = Number(seconds.toFixed(seconds < 10 ? 2 : 1))
  return `1 minute = ${shown} second${shown === 1 ? '' : 's'}`
}

/** A span of demo time for people: `0.4s`, `42s`, `1m05s`. */
export function formatDemoTime(ms: number): string {
  const seconds = Math.max(0, ms) / 1000
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`
  if (seconds < 59.5) return `${Math.round(seconds)}s`
  const whole = Math.round(seconds)
  const minutes = Math.floor(whole / 60)
  return `${minutes}m${String(whole % 60).padStart(2, '0')}s`
}

/** Real milliseconds that a span of demo time takes at `speed`. */
export function realMs(demoMs: number, speed: number): number {
  return demoMs / speed
}
