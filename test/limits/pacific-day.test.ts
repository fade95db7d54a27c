import t from 'tap'
import {
  nextPacificMidnight,
  pacificDay,
  pacificOffset,
  startOfPacificDay,
} from '../../src/limits/pacific-day.js'

const HOUR = 3_600_000
const utc = (text: string) => Date.parse(text)

t.test('a winter day runs from 08:00 UTC to 08:00 UTC', async (t) => {
  const day = pacificDay(utc('2026-01-15T12:00:00Z'))
  t.equal(day.start, utc('2026-01-15T08:00:00Z'))
  t.equal(day.end, utc('2026-01-16T08:00:00Z'))
  t.equal(day.date, '2026-01-15')
})

t.test('a summer day runs from 07:00 UTC to 07:00 UTC', async (t) => {
  const day = pacificDay(utc('2026-07-04T03:00:00Z'))
  t.equal(day.date, '2026-07-03', '03:00 UTC is still the evening before in Los Angeles')
  t.equal(day.start, utc('2026-07-03T07:00:00Z'))
  t.equal(day.end, utc('2026-07-04T07:00:00Z'))
})

t.test('the spring-forward day (2026-03-08) has 23 hours', async (t) => {
  const day = pacificDay(utc('2026-03-08T20:00:00Z'))
  t.equal(day.start, utc('2026-03-08T08:00:00Z'), 'it starts in PST')
  t.equal(day.end, utc('2026-03-09T07:00:00Z'), 'it ends in PDT')
  t.equal(day.end - day.start, 23 * HOUR)
})

t.test('the fall-back day (2026-11-01) has 25 hours', async (t) => {
  const day = pacificDay(utc('2026-11-01T10:00:00Z'))
  t.equal(day.start, utc('2026-11-01T07:00:00Z'), 'it starts in PDT')
  t.equal(day.end, utc('2026-11-02T08:00:00Z'), 'it ends in PST')
  t.equal(day.end - day.start, 25 * HOUR)
})

t.test('the hour repeated at fall-back belongs to one day', async (t) => {
  const firstOneAm = utc('2026-11-01T08:30:00Z')
  const secondOneAm = utc('2026-11-01T09:30:00Z')
  t.equal(startOfPacificDay(firstOneAm), startOfPacificDay(secondOneAm))
  t.equal(pacificOffset(firstOneAm), -7 * HOUR)
  t.equal(pacificOffset(secondOneAm), -8 * HOUR)
})

t.test(
  'midnight itself starts the new day and a millisecond before belongs to the old',
  async (t) => {
    const midnight = utc('2026-01-16T08:00:00Z')
    t.equal(startOfPacificDay(midnight), midnight)
    t.equal(nextPacificMidnight(midnight - 1), midnight)
    t.equal(nextPacificMidnight(midnight), midnight + 24 * HOUR)
  },
)

t.test('a year end and a leap day roll over like any other day', async (t) => {
  t.equal(pacificDay(utc('2027-01-01T07:59:59Z')).date, '2026-12-31')
  t.equal(nextPacificMidnight(utc('2027-01-01T07:59:59Z')), utc('2027-01-01T08:00:00Z'))
  t.equal(pacificDay(utc('2028-02-29T12:00:00Z')).date, '2028-02-29')
  t.equal(nextPacificMidnight(utc('2028-02-29T12:00:00Z')), utc('2028-03-01T08:00:00Z'))
})

t.test("the server's TZ changes nothing", async (t) => {
  const saved = process.env.TZ
  t.teardown(() => {
    if (saved === undefined) delete process.env.TZ
    else process.env.TZ = saved
  })
  const cases: Array<[string, string, string]> = [
    ['2026-03-08T09:59:00Z', '2026-03-08T08:00:00Z', '2026-03-09T07:00:00Z'],
    ['2026-11-01T08:15:00Z', '2026-11-01T07:00:00Z', '2026-11-02T08:00:00Z'],
    ['2026-06-30T23:00:00Z', '2026-06-30T07:00:00Z', '2026-07-01T07:00:00Z'],
  ]
  const zones: Array<[string, number]> = [
    ['Asia/Tokyo', 9],
    ['Pacific/Kiritimati', 14],
    ['Europe/London', 0],
    ['America/New_York', 19],
  ]
  for (const [zone, localHour] of zones) {
    process.env.TZ = zone
    t.equal(new Date(utc('2026-01-15T00:00:00Z')).getHours(), localHour, `${zone} is in effect`)
    for (const [at, start, end] of cases) {
      const day = pacificDay(utc(at))
      t.same([day.start, day.end], [utc(start), utc(end)], `${zone}: the day of ${at}`)
    }
  }
})

t.test('calls within one day reuse its bounds', async (t) => {
  const morning = pacificDay(utc('2026-05-05T15:00:00Z'))
  const evening = pacificDay(utc('2026-05-06T05:00:00Z'))
  t.equal(morning, evening, 'the same object: no Intl work on the hot path')
})
