import t from 'tap'
import { ManualClock, ScaledClock, systemClock, toRealMs } from '../../src/util/clock.js'

void t.test('a manual clock starts where it is told and moves only on advance', (t) => {
  const clock = new ManualClock(1_000)
  t.equal(clock.now(), 1_000)
  t.equal(clock.now(), 1_000)
  clock.advance(250)
  t.equal(clock.now(), 1_250)
  t.end()
})

void t.test('timers fire in time order during advance, each at its own due time', (t) => {
  const clock = new ManualClock(0)
  const fired: Array<[string, number]> = []
  clock.setTimer(300, () => fired.push(['c', clock.now()]))
  clock.setTimer(100, () => fired.push(['a', clock.now()]))
  clock.setTimer(200, () => fired.push(['b', clock.now()]))
  clock.advance(1000)
  t.same(fired, [
    ['a', 100],
    ['b', 200],
    ['c', 300],
  ])
  t.equal(clock.now(), 1000)
  t.end()
})

void t.test('timers due at the same instant fire in the order they were set', (t) => {
  const clock = new ManualClock(0)
  const fired: string[] = []
  for (const name of ['first', 'second', 'third']) clock.setTimer(50, () => fired.push(name))
  clock.advance(50)
  t.same(fired, ['first', 'second', 'third'])
  t.end()
})

void t.test('a timer not yet due does not fire', (t) => {
  const clock = new ManualClock(0)
  let fired = false
  clock.setTimer(100, () => (fired = true))
  clock.advance(99)
  t.equal(fired, false)
  t.equal(clock.pendingTimers, 1)
  clock.advance(1)
  t.equal(fired, true)
  t.equal(clock.pendingTimers, 0)
  t.end()
})

void t.test('a timer fires once only', (t) => {
  const clock = new ManualClock(0)
  let count = 0
  clock.setTimer(10, () => count++)
  clock.advance(10)
  clock.advance(10)
  t.equal(count, 1)
  t.end()
})

void t.test('a cancelled timer never fires', (t) => {
  const clock = new ManualClock(0)
  let fired = false
  const timer = clock.setTimer(100, () => (fired = true))
  timer.cancel()
  t.equal(clock.pendingTimers, 0)
  clock.advance(1000)
  t.equal(fired, false)
  t.end()
})

void t.test('a timer cancelled by an earlier timer in the same advance does not fire', (t) => {
  const clock = new ManualClock(0)
  const fired: string[] = []
  const later = clock.setTimer(200, () => fired.push('later'))
  clock.setTimer(100, () => {
    fired.push('earlier')
    later.cancel()
  })
  clock.advance(500)
  t.same(fired, ['earlier'])
  t.end()
})

void t.test('a timer set by a firing timer fires in the same advance when it falls due', (t) => {
  const clock = new ManualClock(0)
  const fired: Array<[string, number]> = []
  clock.setTimer(100, () => {
    fired.push(['outer', clock.now()])
    clock.setTimer(50, () => fired.push(['inner', clock.now()]))
    clock.setTimer(500, () => fired.push(['too late', clock.now()]))
  })
  clock.setTimer(120, () => fired.push(['between', clock.now()]))
  clock.advance(200)
  t.same(fired, [
    ['outer', 100],
    ['between', 120],
    ['inner', 150],
  ])
  t.equal(clock.pendingTimers, 1)
  t.end()
})

void t.test('a zero or negative delay fires on the next advance', (t) => {
  const clock = new ManualClock(0)
  const fired: number[] = []
  clock.setTimer(0, () => fired.push(clock.now()))
  clock.setTimer(-20, () => fired.push(clock.now()))
  clock.advance(0)
  t.same(fired, [0, 0])
  t.end()
})

void t.test('set moves to an instant, firing timers on the way, never backwards', (t) => {
  const clock = new ManualClock(1_000)
  let fired = false
  clock.setTimer(500, () => (fired = true))
  clock.set(2_000)
  t.equal(fired, true)
  t.equal(clock.now(), 2_000)
  clock.set(1_500)
  t.equal(clock.now(), 2_000)
  t.end()
})

void t.test('a manual clock spans count as real milliseconds', (t) => {
  t.equal(toRealMs(new ManualClock(), 1234), 1234)
  t.end()
})

void t.test('the system clock spans are real milliseconds', (t) => {
  t.equal(toRealMs(systemClock, 1234), 1234)
  t.end()
})

void t.test('a scaled clock spans shrink by its speed', (t) => {
  t.equal(toRealMs(new ScaledClock(10, 0), 60_000), 6_000)
  t.equal(new ScaledClock(4, 0).realMsPerMs, 0.25)
  t.end()
})

void t.test('a scaled clock starts at its start time', (t) => {
  const clock = new ScaledClock(60, Date.UTC(2026, 0, 1))
  const now = clock.now()
  t.ok(now >= Date.UTC(2026, 0, 1) && now < Date.UTC(2026, 0, 1) + 60_000, `got ${now}`)
  t.end()
})
