/**
 * The Pacific day: Google resets per-day quotas at midnight America/Los_Angeles, whatever the
 * server's time zone (gemini-wire.md section 4.1). Computed from epoch milliseconds with Intl, so
 * daylight saving time is right without a time zone library.
 */

const HOUR = 3_600_000

const PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
})

interface LocalTime {
  year: number
  month: number
  day: number
  /** The local wall time read as if it were UTC, in ms. */
  asUtc: number
}

function localTime(epochMs: number): LocalTime {
  const fields: Record<string, number> = {}
  for (const part of PARTS.formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const year = fields.year!
  const month = fields.month!
  const day = fields.day!
  const asUtc = Date.UTC(year, month - 1, day, fields.hour, fields.minute, fields.second)
  return { year, month, day, asUtc }
}

/** Offset of Pacific wall time from UTC at an instant, in ms (-8 h or -7 h). */
function offsetAt(epochMs: number): number {
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000
  return localTime(wholeSeconds).asUtc - wholeSeconds
}

/** The instant of Pacific midnight starting the given local date (month 1-12, day may overflow). */
function midnightOf(year: number, month: number, day: number): number {
  const wall = Date.UTC(year, month - 1, day)
  // Two passes settle the offset: DST switches at 02:00 local, never at midnight.
  let instant = wall - offsetAt(wall + 8 * HOUR)
  instant = wall - offsetAt(instant)
  return instant
}

export interface DayBounds {
  /** The instant of the midnight that began the day. */
  start: number
  /** The instant of the next midnight. */
  end: number
}

/** The Pacific day holding `epochMs`. Days are 23, 24 or 25 hours long. */
export function pacificDay(epochMs: number): DayBounds {
  const local = localTime(epochMs)
  const start = midnightOf(local.year, local.month, local.day)
  const end = midnightOf(local.year, local.month, local.day + 1)
  return { start, end }
}
