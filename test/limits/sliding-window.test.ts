import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { seededRandom } from '../../src/util/random.js'
import { MINUTE_MS, SlidingWindow } from '../../src/limits/sliding-window.js'

t.test(
  'a burst up to the limit passes at once and the next unit fits 60 s after the first take',
  async (t) => {
    const clock = new ManualClock()
    const window = new SlidingWindow(5)
    const first = clock.now()
    for (let i = 0; i < 5; i++) {
      t.ok(window.canTake(1, clock.now()), `unit ${i + 1} fits at once`)
      window.take(1, clock.now())
    }
    t.notOk(window.canTake(1, clock.now()), 'the sixth does not')
    t.equal(window.nextFitAt(1, clock.now()), first + MINUTE_MS)
    clock.set(first + MINUTE_MS - 1)
    t.notOk(window.canTake(1, clock.now()), 'not a millisecond early')
    clock.set(first + MINUTE_MS)
    t.ok(window.canTake(5, clock.now()), 'exactly at t + 60 s the whole burst is back')
    t.equal(window.used(clock.now()), 0)
  },
)

t.test('units taken at one instant come back together at t + 60 s', async (t) => {
  const window = new SlidingWindow(10)
  window.take(4, 1_000)
  window.take(6, 1_000)
  t.equal(window.used(1_000 + MINUTE_MS - 1), 10)
  t.equal(window.nextReturnAt(1_000), 1_000 + MINUTE_MS)
  t.equal(window.used(1_000 + MINUTE_MS), 0)
  t.equal(window.nextReturnAt(1_000 + MINUTE_MS), undefined)
})

t.test('nextFitAt waits for enough of the oldest units to come back', async (t) => {
  const window = new SlidingWindow(10)
  window.take(3, 0)
  window.take(3, 10_000)
  window.take(4, 20_000)
  t.equal(window.nextFitAt(0, 30_000), 30_000, 'nothing fits now when nothing is asked')
  t.equal(window.nextFitAt(2, 30_000), 60_000, 'the first 3 are enough')
  t.equal(window.nextFitAt(5, 30_000), 70_000, 'the first 6 are needed')
  t.equal(window.nextFitAt(10, 30_000), 80_000, 'everything must come back')
  t.equal(window.nextFitAt(11, 30_000), Infinity, 'more than the limit never fits')
})

t.test('no 60 s interval ever holds more than the limit under random takes', async (t) => {
  for (const seed of [1, 7, 42, 2026]) {
    const random = seededRandom(seed)
    const limit = 1 + Math.floor(random() * 40)
    const window = new SlidingWindow(limit)
    const log: Array<[number, number]> = []
    let now = 0
    let mismatches = 0
    for (let step = 0; step < 3000; step++) {
      now += Math.floor(random() ** 3 * 20_000)
      const units = 1 + Math.floor(random() * Math.min(limit, 8))
      const recent = log.filter(([time]) => time > now - MINUTE_MS)
      if (window.nextFitAt(units, now) !== bruteFitAt(recent, limit, units, now)) mismatches++
      if (!window.canTake(units, now)) continue
      window.take(units, now)
      log.push([now, units])
    }
    t.equal(mismatches, 0, `seed ${seed}: nextFitAt always equals the brute-force answer`)
    t.ok(maxInAnyWindow(log) <= limit, `seed ${seed}: no interval above ${limit}`)
    t.ok(log.length > 100, `seed ${seed}: ${log.length} takes`)
  }
})

t.test(
  'a tpm correction down frees units at once, and up holds more until they come back',
  async (t) => {
    const window = new SlidingWindow(1_000)
    const takenAt = window.take(500, 0)
    t.notOk(window.canTake(600, 10_000))
    t.ok(window.adjust(takenAt, -200), 'the estimate was 200 too high')
    t.ok(window.canTake(600, 10_000))
    t.equal(window.used(10_000), 300)

    t.ok(window.adjust(takenAt, 500), 'then the real count is 800')
    t.equal(window.used(10_000), 800)
    t.equal(window.nextFitAt(300, 10_000), MINUTE_MS)
  },
)

t.test('a correction never takes an entry below zero', async (t) => {
  const window = new SlidingWindow(100)
  const takenAt = window.take(10, 0)
  window.adjust(takenAt, -50)
  t.equal(window.used(1), 0)
  t.equal(window.left(1), 100)
})

t.test('a correction of a take that already came back changes nothing', async (t) => {
  const window = new SlidingWindow(100)
  const takenAt = window.take(10, 0)
  window.take(5, MINUTE_MS)
  t.notOk(window.adjust(takenAt, 50))
  t.equal(window.used(MINUTE_MS), 5)
})

t.test('an earlier now after a later one is read as the later one', async (t) => {
  const window = new SlidingWindow(2)
  window.take(1, 100_000)
  const recorded = window.take(1, 90_000)
  t.equal(recorded, 100_000, 'recorded at the latest time seen')
  t.equal(window.used(100_000 + MINUTE_MS), 0, 'both come back 60 s after it')
})

t.test('a raised limit lets more in at once and a lowered one holds calls back', async (t) => {
  const window = new SlidingWindow(2)
  window.take(2, 0)
  window.setLimit(4)
  t.ok(window.canTake(2, 1))
  window.setLimit(1)
  t.equal(window.nextFitAt(1, 1), MINUTE_MS)
})

t.test(
  'many takes spread over hours keep counting right as the buffer grows and shrinks',
  async (t) => {
    const window = new SlidingWindow(Infinity)
    for (let i = 0; i < 100_000; i++) window.take(1, i * 10)
    t.equal(window.used(999_990), 6_000, '60 s of takes every 10 ms')
    t.equal(window.used(999_990 + MINUTE_MS), 0)
    window.take(3, 2_000_000)
    t.equal(window.used(2_000_000), 3)
  },
)

function bruteUsed(log: Array<[number, number]>, at: number): number {
  let used = 0
  for (const [time, units] of log) if (time > at - MINUTE_MS && time <= at) used += units
  return used
}

function bruteFitAt(log: Array<[number, number]>, limit: number, units: number, now: number) {
  if (units > limit) return Infinity
  const candidates = [now, ...log.map(([time]) => time + MINUTE_MS).filter((at) => at > now)]
  for (const at of candidates.sort((a, b) => a - b)) {
    if (bruteUsed(log, at) + units <= limit) return at
  }
  return Infinity
}

/** The most units any interval [t, t + 60 s) holds; the worst intervals start at a take. */
function maxInAnyWindow(log: Array<[number, number]>): number {
  let max = 0
  let first = 0
  let sum = 0
  for (const [time, units] of log) {
    sum += units
    while (log[first]![0] <= time - MINUTE_MS) sum -= log[first++]![1]
    max = Math.max(max, sum)
  }
  return max
}
