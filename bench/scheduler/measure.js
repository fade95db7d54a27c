import { schedulerHarness } from './harness.js'

/** Calls per batch: with a budgeted pool, the calls its budgets admit in one minute. */
const BATCH = 1000
const WARMUP_CYCLES = 5

/**
 * Calls admitted per second by the scheduler alone: each call is one acquire (a grant at once,
 * or an enqueue and a grant later from the queue) and one settle. With `waiting`, the budgets
 * admit BATCH calls a minute and the queue holds `waiting` calls throughout: every cycle, a
 * minute passes, and BATCH times a held lease settles (which serves the head of the queue) and
 * a new call joins its back. Only the scheduler's work is timed, not making the calls.
 */
export async function measureScheduler({ keyCount, waiting, seconds }) {
  const rpmPerProject = waiting > 0 ? Math.ceil(BATCH / keyCount) : undefined
  const harness = schedulerHarness({ keyCount, rpmPerProject })
  const batch = rpmPerProject ? rpmPerProject * keyCount : BATCH
  const held = await fill(harness, batch, waiting)

  let timedMs = 0
  let calls = 0
  for (let cycle = 0; cycle < WARMUP_CYCLES || timedMs < seconds * 1000; cycle++) {
    const plans = Array.from({ length: batch }, harness.plan)
    const startedAt = performance.now()
    await runCycle(harness, held, plans, waiting > 0)
    if (cycle < WARMUP_CYCLES) continue
    timedMs += performance.now() - startedAt
    calls += batch
  }
  return { callsPerSecond: calls / (timedMs / 1000), usPerCall: (timedMs * 1000) / calls }
}

/** The first minute's leases, taken at once, then the calls that must wait behind them. */
async function fill(harness, batch, waiting) {
  const held = []
  const keep = (lease) => held.push(lease)
  if (waiting === 0) return held
  for (let i = 0; i < batch + waiting; i++)
    void harness.scheduler.acquire(harness.plan()).then(keep)
  await null
  if (held.length !== batch) throw new Error(`expected ${batch} leases at once, got ${held.length}`)
  return held
}

async function runCycle(harness, held, plans, isBudgeted) {
  if (!isBudgeted) {
    harness.clock.advance(1)
    const leases = await Promise.all(plans.map((plan) => harness.scheduler.acquire(plan)))
    for (const lease of leases) harness.settle(lease)
    return
  }
  // A minute on: the budgets are whole again. Answers and arrivals take turns, as in steady
  // traffic: each settle serves the head of the queue, then a new call joins its back.
  harness.clock.advance(60_001)
  const settling = held.splice(0)
  for (let i = 0; i < settling.length; i++) {
    harness.settle(settling[i])
    void harness.scheduler.acquire(plans[i]).then((lease) => held.push(lease))
  }
  await null
  if (held.length !== plans.length) throw new Error(`served ${held.length} of ${plans.length}`)
}
