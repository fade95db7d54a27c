/** Parsing of the config's human units: durations (`500ms`, `30s`, `5m`, `1h`, `7d`) and sizes. */

const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}
const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
}

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/
const SIZE_RE = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)$/i

/** Milliseconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_RE.exec(text.trim())
  if (!match) return undefined
  return Math.round(Number(match[1]) * DURATION_MS[match[2]!]!)
}

/** Bytes for a size string such as `20mb`, or undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const match = SIZE_RE.exec(text.trim())
  if (!match) return undefined
  return Math.round(Number(match[1]) * SIZE_BYTES[match[2]!.toLowerCase()]!)
}

/** A short human form of a duration, for messages: `37.5s`, `2m`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`
  // Round to whole seconds first, so 119.6 s reads 2m, never 1m60s.
  const totalSeconds = Math.round(ms / 1000)
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  if (minutes < 60) return seconds ? `${minutes}m${seconds}s` : `${minutes}m`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`
}

/** A short human form of a size, for messages: `100mb`, `512kb`, `17b`. */
export function formatSize(bytes: number): string {
  for (const unit of ['gb', 'mb', 'kb'] as const) {
    const scale = SIZE_BYTES[unit]!
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale}${unit}`
  }
  return `${bytes}b`
}
