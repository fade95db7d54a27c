import t from 'tap'
import { formatDuration, parseDuration, parseSize } from '../../src/util/units.js'

t.test('durations in every unit become milliseconds', async (t) => {
  t.equal(parseDuration('500ms'), 500)
  t.equal(parseDuration('30s'), 30_000)
  t.equal(parseDuration('1.5s'), 1500)
  t.equal(parseDuration('5m'), 300_000)
  t.equal(parseDuration('1h'), 3_600_000)
  t.equal(parseDuration('7d'), 604_800_000)
})

t.test('text that is not a duration is refused', async (t) => {
  for (const bad of ['', '5', 's', '5 minutes', '-1s', '1w'])
    t.equal(parseDuration(bad), undefined, bad)
})

t.test('sizes take binary units, case-insensitively', async (t) => {
  t.equal(parseSize('20mb'), 20 * 1024 * 1024)
  t.equal(parseSize('1GB'), 1024 ** 3)
  t.equal(parseSize('512kb'), 512 * 1024)
  t.equal(parseSize('10 mb'), undefined)
})

t.test('durations print in a short human form', async (t) => {
  t.equal(formatDuration(250), '250ms')
  t.equal(formatDuration(37_500), '37.5s')
  t.equal(formatDuration(120_000), '2m')
  t.equal(formatDuration(119_600), '2m', 'rounds before splitting, never 1m60s')
  t.equal(formatDuration(5_400_000), '1h30m')
})
