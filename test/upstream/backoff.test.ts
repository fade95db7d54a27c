import t from 'tap'
import { fullJitterDelay } from '../../src/upstream/backoff.js'

/** mulberry32, so that the spread checks fail the same way on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), state | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

const HIGHEST_RANDOM = 1 - Number.EPSILON

void t.test('the delay can be zero', (t) => {
  t.equal(
    fullJitterDelay(1, 250, 5000, () => 0),
    0,
  )
  t.equal(
    fullJitterDelay(6, 250, 5000, () => 0),
    0,
  )
  t.end()
})

void t.test('the first retry waits at most the base', (t) => {
  const delay = fullJitterDelay(1, 250, 5000, () => HIGHEST_RANDOM)
  t.ok(delay <= 250 && delay >= 249, `got ${delay}`)
  t.end()
})

void t.test('the ceiling doubles with each attempt', (t) => {
  const ceilings = [1, 2, 3, 4].map((n) => fullJitterDelay(n, 250, 60_000, () => 0.5))
  t.same(ceilings, [125, 250, 500, 1000])
  t.end()
})

void t.test('the delay never exceeds the maximum, however many attempts', (t) => {
  for (const attempt of [5, 6, 10, 50, 1000]) {
    const delay = fullJitterDelay(attempt, 250, 5000, () => HIGHEST_RANDOM)
    t.ok(delay >= 0 && delay <= 5000, `attempt ${attempt}: ${delay}`)
  }
  t.equal(
    fullJitterDelay(1000, 250, 5000, () => 0.5),
    2500,
  )
  t.end()
})

void t.test('delays are whole milliseconds', (t) => {
  const random = seeded(3)
  for (let i = 0; i < 100; i++) t.ok(Number.isInteger(fullJitterDelay(3, 250, 5000, random)))
  t.end()
})

void t.test('many calls failing together retry spread out, not in lockstep', (t) => {
  const random = seeded(19)
  const delays = Array.from({ length: 200 }, () => fullJitterDelay(2, 250, 5000, random))
  const ceiling = 500

  t.ok(
    delays.every((d) => d >= 0 && d <= ceiling),
    'all within [0, ceiling]',
  )
  t.ok(new Set(delays).size > 150, `distinct delays: ${new Set(delays).size}`)
  t.ok(Math.min(...delays) < ceiling * 0.1, 'some retry almost at once')
  t.ok(Math.max(...delays) > ceiling * 0.9, 'some wait almost the whole ceiling')
  const lowerHalf = delays.filter((d) => d < ceiling / 2).length
  t.ok(lowerHalf > 70 && lowerHalf < 130, `lower half holds ${lowerHalf} of 200`)
  t.end()
})

void t.test('the default random source spreads delays too', (t) => {
  const delays = Array.from({ length: 50 }, () => fullJitterDelay(4, 250, 5000))
  t.ok(new Set(delays).size > 10)
  t.ok(delays.every((d) => d >= 0 && d <= 2000))
  t.end()
})
