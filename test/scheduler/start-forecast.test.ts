import t from 'tap'
import type { Cost } from '../../src/limits/budget.js'
import type { ResolvedLimits } from '../../src/limits/resolve.js'
import type { BudgetStore } from '../../src/limits/store.js'
import { Slot } from '../../src/pool/lane.js'
import { predictStart, StartForecast } from '../../src/pool/predict.js'
import { ProjectGroup } from '../../src/pool/project-group.js'
import type { Lease } from '../../src/pool/scheduler.js'
import { MemoryBudgetStore } from '../../src/state/memory-budget-store.js'
import { seededRandom } from '../../src/util/random.js'
import { ownProjectsConfig, schedulerFixture } from '../helpers/scheduler-fixture.js'

const START = Date.UTC(2026, 11, 4, 12)

function limits(rpm: number, tpm: number, rpd = 1_000_000): ResolvedLimits {
  return { budgetModel: 'gemini-2.5-flash', source: 'config', rpm, tpm, rpd }
}

/** A lane as the forecast sees it: slots, and the dormancy count the lane keeps. */
function lane(slotLimits: readonly ResolvedLimits[]) {
  const slots = slotLimits.map((l, i) => new Slot(new ProjectGroup(`p${i}`, []), l))
  return { slots, dormancyChanges: 0 }
}

/** The store as the forecast reads it, counting the budgets it reads. */
function counting(store: MemoryBudgetStore): BudgetStore & { reads: number } {
  const seen = {
    reads: 0,
    get revision() {
      return store.revision
    },
    changedSince: (revision: number) => store.changedSince(revision),
    nextFitAt(...args: Parameters<BudgetStore['nextFitAt']>) {
      seen.reads++
      return store.nextFitAt(...args)
    },
  }
  return seen as unknown as BudgetStore & { reads: number }
}

t.test('a forecast answers as predictStart does while budgets, time and the queue move', (t) => {
  let compared = 0
  let reads = 0
  let queries = 0
  for (let seed = 1; seed <= 40; seed++) {
    const random = seededRandom(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
    const testLane = lane(
      Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        limits(pick([1, 2, 3, 7, 10, 57, 60, 1000]), pick([500, 5_000, 1_000_000]), pick([5, 1e6])),
      ),
    )
    const store = new MemoryBudgetStore()
    const reader = counting(store)
    const forecast = new StartForecast(testLane)
    let now = START
    let ahead = 0

    for (let step = 0; step < 150; step++) {
      const slot = pick(testLane.slots)
      const action = random()
      if (action < 0.25) {
        const tokens = pick([40, 400, 3_000])
        const taken = store.tryAcquire(
          slot.group.project,
          slot.limits,
          { requests: 1, tokens },
          now,
        )
        if (taken.ok && random() < 0.3) store.correct(taken.reservation, pick([0, 40, 900]))
      } else if (action < 0.3) {
        const until = now + Math.floor(random() * 120_000)
        store.penalise(slot.group.project, slot.limits, { kind: 'retry', until }, now)
      } else if (action < 0.4) {
        now += pick([0, 1, 999, 20_000, 61_000])
      } else if (action < 0.45) {
        slot.place = slot.place === 'dormant' ? 'ready' : 'dormant'
        testLane.dormancyChanges++
      }
      // The queue mostly grows by one call, sometimes by many, sometimes calls leave it.
      const move = random()
      ahead = Math.max(0, move < 0.7 ? ahead + 1 : move < 0.85 ? ahead + 40 : ahead - 25)

      const cost: Cost = { requests: pick([1, 1, 1, 3]), tokens: pick([12, 13, 300, 310, 4_000]) }
      const before = reader.reads
      const got = forecast.predict(reader, ahead, cost, now)
      reads += reader.reads - before
      queries++
      const want = predictStart(store, testLane.slots, ahead, cost, now)
      if (got !== want) {
        t.fail(`seed ${seed} step ${step}: forecast ${got - now}, predictStart ${want - now}`)
        return t.end()
      }
      compared++
    }
  }
  t.equal(compared, 40 * 150, 'every answer compared')
  // The point of the forecast: most answers reuse the budgets read for an earlier one.
  t.ok(reads < queries * 3, `${reads} budget reads for ${queries} answers`)
  t.end()
})

t.test('with nothing changed the next answer reads no budget; any change is seen', (t) => {
  const testLane = lane(Array.from({ length: 50 }, () => limits(1, 1_000_000)))
  const store = new MemoryBudgetStore()
  const reader = counting(store)
  const forecast = new StartForecast(testLane)
  const cost = { requests: 1, tokens: 10 }
  // Slot i was spent 1.2 s × i ago: the slots come back one every 1.2 s, the last at START + 60 s.
  testLane.slots.forEach((slot, i) => {
    store.tryAcquire(slot.group.project, slot.limits, cost, START - 1_200 * i)
  })

  // The 50 calls ahead take every slot's first unit; this one takes the earliest's second.
  const first = forecast.predict(reader, 50, cost, START + 10)
  t.equal(first, START + 1_200 + 60_000)
  // Each budget read twice: its start, and that twice the call's tokens start no later.
  t.equal(reader.reads, 100, 'the first answer reads every budget')
  t.equal(forecast.predict(reader, 51, cost, START + 20), first + 1_200)
  t.equal(forecast.predict(reader, 50, cost, START + 20), first)
  t.equal(reader.reads, 100, 'later answers read none')

  const p0 = testLane.slots[0]!
  store.penalise(p0.group.project, p0.limits, { kind: 'retry', until: START + 600_000 }, START)
  const cooled = forecast.predict(reader, 50, cost, START + 30)
  t.equal(reader.reads, 102, "a penalty makes the next answer read that project's budget again")
  t.equal(cooled, predictStart(store, testLane.slots, 50, cost, START + 30))
  t.ok(cooled > first, 'and the cooling project serves later')

  p0.place = 'dormant'
  testLane.dormancyChanges++
  t.equal(
    forecast.predict(reader, 50, cost, START + 30),
    predictStart(store, testLane.slots, 50, cost, START + 30),
  )
  t.equal(reader.reads, 200, 'a slot gone dormant: the others are read again')
  t.end()
})

t.test('where tokens per minute bind, the exact count decides', (t) => {
  // 900 of 1,000 tokens taken a second ago: 100 tokens fit now, 108 only when they expire.
  const testLane = lane([limits(10, 1_000)])
  const slot = testLane.slots[0]!
  const store = new MemoryBudgetStore()
  store.tryAcquire('p0', slot.limits, { requests: 1, tokens: 900 }, START - 1_000)
  const forecast = new StartForecast(testLane)
  for (const tokens of [100, 101, 108, 120]) {
    const cost = { requests: 1, tokens }
    const want = predictStart(store, testLane.slots, 0, cost, START)
    t.equal(forecast.predict(store, 0, cost, START), want, `${tokens} tokens: ${want - START} ms`)
  }
  t.equal(forecast.predict(store, 0, { requests: 1, tokens: 100 }, START), START, 'at once')
  t.end()
})

t.test('calls joining a deep queue between answers read a few budgets, not all', async (t) => {
  const projects = 200
  const config = ownProjectsConfig(
    projects,
    { rpm: 1, tpm: 1e9, rpd: 1e9 },
    {},
    { queue: { maxSize: 100_000, maxWait: '14d' } },
  )
  const { scheduler, store, clock, plan } = schedulerFixture(config, START)
  const held: Lease[] = []
  const join = (tokens = 12) => {
    const call = plan({ cost: { requests: 1, tokens }, deadline: Infinity })
    void scheduler.acquire(call).then((lease) => held.push(lease))
  }

  for (let i = 0; i < projects + 2_000; i++) join()
  await Promise.resolve()
  t.equal(held.length, projects, 'one call a project goes at once; 2,000 wait')

  // Steady state: time moves, a project's minute ends, its call answers, the next call goes,
  // and a new call joins the back, of one of a few sizes.
  const before = store.reads
  for (let i = 0; i < 300; i++) {
    clock.advance(60_000 / projects)
    const usage = { prompt: 12 + (i % 3), output: 5, thoughts: undefined, cached: undefined }
    scheduler.settle(held.shift()!, { kind: 'answered', usage })
    await Promise.resolve()
    join(12 + (i % 40))
  }
  await Promise.resolve()
  const perCall = (store.reads - before) / 300
  t.ok(perCall < 20, `${perCall.toFixed(1)} budget reads a call, in a lane of ${projects}`)
  t.end()
})
