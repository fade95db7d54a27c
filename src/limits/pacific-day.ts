/**
 * Google's days end at midnight America/Los_Angeles (gemini-wire §4.1): rpd counters and the
 * "exhausted" state reset there. The zone comes from ICU's tz data through Intl with an explicit
 * `timeZone`, so the server's own TZ never matters and DST follows whatever the law is in the
 * tz data Node ships (no hand-written DST rule to go stale).
 */

export const PACIFIC_ZONE = 'America/Los_Angeles'

/** One Pacific calendar day as epoch ms: `start <= t < end` for every instant t of the day. */
export interface PacificDay {
  /** The day's local midnight. */
  readonly start: number
  /** The next local midnight (23, 24 or 25 hours after `start`). */
  readonly end: number
  /** The local date, `YYYY-MM-DD`: a stable name for the day (e.g. in a store key). */
  readonly date: string
}

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
})

interface WallClock {
  year: number
  month: number
  day: number
  /** The wall-clock reading written as if it were UTC, in ms. */
  asUtc: number
}

/**
 * The last day asked for. Nearly every call on the hot path falls inside it, so the Intl work
 * (a few microseconds) runs about once a day.
 */
let current: PacificDay | undefined

/** The Pacific day that holds `epochMs`. */
export function pacificDay(epochMs: number): PacificDay {
  if (current && epochMs >= current.start && epochMs < current.end) return current

  const wall = wallClock(epochMs)
  const start = localMidnight(wall.year, wall.month, wall.day)
  const end = localMidnight(wall.year, wall.month, wall.day + 1)
  const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`
  current = { start, end, date }
  return current
}

/** The local midnight that began the Pacific day of `epochMs`. */
export function startOfPacificDay(epochMs: number): number {
  return pacificDay(epochMs).start
}

/** The first Pacific midnight strictly after `epochMs`. */
export function nextPacificMidnight(epochMs: number): number {
  return pacificDay(epochMs).end
}

/** Local time minus UTC at `epochMs`, in ms (-8 h in winter, -7 h in summer). */
export function pacificOffset(epochMs: number): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000
  return wallClock(epochMs).asUtc - wholeSecond
}

function wallClock(epochMs: number): WallClock {
  const fields: Record<string, number> = {}
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const year = fields.year ?? 0
  const month = fields.month ?? 1
  const day = fields.day ?? 1
  const { hour = 0, minute = 0, second = 0 } = fields
  return { year, month, day, asUtc: Date.UTC(year, month - 1, day, hour, minute, second) }
}

/**
 * The instant of local midnight on a date (`day` may overflow into the next month). Pacific DST
 * switches at 02:00, so midnight always exists once; the second pass corrects the first guess,
 * which read the offset a few hours off.
 */
function localMidnight(year: number, month: number, day: number): number {
  const asUtc = Date.UTC(year, month - 1, day)
  const guess = asUtc - pacificOffset(asUtc)
  return asUtc - pacificOffset(guess)
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}
