import t from 'tap'
import type { Cost } from '../../src/limits/budget.js'
import type { ResolvedLimits } from '../../src/limits/resolve.js'
import type { BudgetStore } from '../../src/limits/store.js'
import { Slot } from '../../src/pool/lane.js'
import { predictStart, StartForecast } from '../../src/pool/predict.js'
import { ProjectGroup } from '../../src/pool/project-group.js'
import { MemoryBudgetStore } from '../../src/state/memory-budget-store.js'

const START = Date.UTC(2026, 11, 4, 12)

/** A small deterministic generator, so that a failing case can be run again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

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
    const random = seeded(seed)
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
        store.tryAcquire(slot.group.project, slot.limits, { requests: 1, tokens: 40 }, now)
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

      const cost: Cost = { requests: pick([1, 1, 1, 3]), tokens: pick([12, 12, 300, 4_000]) }
      const before = reader.reads
      const got = forecast.predict(reader, ahead, cost, now)
      reads += reader.reads - before
      queries++
      const rounded = { ...cost, tokens: forecast.roundTokens(cost.tokens) }
      const want = predictStart(store, testLane.slots, ahead, rounded, now)
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
  t.equal(reader.reads, 50, 'the first answer reads every budget')
  t.equal(forecast.predict(reader, 51, cost, START + 20), first + 1_200)
  t.equal(forecast.predict(reader, 50, cost, START + 20), first)
  t.equal(reader.reads, 50, 'later answers read none')

  const p0 = testLane.slots[0]!
  store.penalise(p0.group.project, p0.limits, { kind: 'retry', until: START + 600_000 }, START)
  const cooled = forecast.predict(reader, 50, cost, START + 30)
  t.equal(reader.reads, 100, 'a penalty makes the next answer read the budgets again')
  t.equal(cooled, predictStart(store, testLane.slots, 50, cost, START + 30))
  t.ok(cooled > first, 'and the cooling project serves later')

  p0.place = 'dormant'
  testLane.dormancyChanges++
  t.equal(
    forecast.predict(reader, 50, cost, START + 30),
    predictStart(store, testLane.slots, 50, cost, START + 30),
  )
  t.equal(reader.reads, 149, 'a slot gone dormant is left out at once')
  t.end()
})

t.test('token counts round up a little, never past what the lane admits', (t) => {
  const forecast = new StartForecast(lane([limits(10, 1_000), limits(10, 250_000)]))
  for (const tokens of [2, 3, 17, 100, 513, 999]) {
    const rounded = forecast.roundTokens(tokens)
    t.ok(rounded >= tokens && rounded <= Math.ceil(tokens * 1.091), `${tokens} -> ${rounded}`)
  }
  t.equal(forecast.roundTokens(990), 990, 'rounding up would pass the smallest tpm')
  t.equal(forecast.roundTokens(5_000), 5_000, 'beyond the smallest tpm: kept as it is')
  t.equal(forecast.roundTokens(0), 0)
  t.end()
})
