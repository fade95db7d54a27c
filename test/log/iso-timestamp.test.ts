import t from 'tap'
import { isoTimestamp } from '../../src/log/iso-timestamp.js'

void t.test('the time field reads as toISOString would, across seconds and years', (t) => {
  const times = [
    Date.UTC(2026, 11, 3, 19, 43, 37, 0),
    Date.UTC(2026, 11, 3, 19, 43, 37, 7),
    Date.UTC(2026, 11, 3, 19, 43, 37, 42),
    Date.UTC(2026, 11, 3, 19, 43, 37, 999),
    Date.UTC(2026, 11, 3, 19, 43, 38, 1),
    Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    Date.UTC(2027, 0, 1, 0, 0, 0, 0),
    Date.UTC(2026, 11, 3, 19, 43, 37, 500),
  ]
  let at = 0
  const timestamp = isoTimestamp(() => times[at]!)
  for (at = 0; at < times.length; at++) {
    const expected = `,"time":"${new Date(times[at]!).toISOString()}"`
    t.equal(timestamp(), expected, new Date(times[at]!).toISOString())
  }
  t.end()
})

void t.test('a log line carries it as JSON', (t) => {
  const line = `{"level":30${isoTimestamp(() => Date.UTC(2026, 0, 2, 3, 4, 5, 60))()}}`
  t.same(JSON.parse(line), { level: 30, time: '2026-01-02T03:04:05.060Z' })
  t.end()
})
