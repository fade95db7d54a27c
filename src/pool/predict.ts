import type { BudgetStore } from '../limits/store.js'
import type { Cost } from './scheduler.js'
import type { Slot } from './lane.js'

const MINUTE_MS = 60_000
/** Searched no further: a wait past a day is as good as never for a caller. */
const HORIZON_MS = 24 * 3_600_000

/**
 * When a call with `unitsAhead` request units queued before it can expect to go, read from the
 * budgets' real state: each slot serves from the time its next unit fits (`nextFitAt`: the
 * window's real refill time, a cooldown's end, the next Pacific midnight), then at its rpm.
 *
 * Known shortcoming: a slot is credited one unit at that time and then its steady rate, not
 * the burst its window may free at once, so the prediction errs late (a call may be refused a
 * wait it would have got) and never early. TODO(perf): this reads every slot of the lane; with
 * pools of thousands of projects it wants a running total instead.
 */
export function predictStart(
  store: BudgetStore,
  slots: readonly Slot[],
  unitsAhead: number,
  cost: Cost,
  now: number,
): number {
  const one: Cost = { requests: 1, tokens: cost.tokens }
  const starts: Array<{ at: number; perMs: number }> = []
  for (const slot of slots) {
    if (slot.place === 'dormant') continue
    const at = store.nextFitAt(slot.group.project, slot.limits, one, now)
    if (!Number.isFinite(at)) continue
    const rpm = Number.isFinite(slot.limits.rpm) ? slot.limits.rpm : 1_000_000
    starts.push({ at, perMs: rpm / MINUTE_MS })
  }
  if (starts.length === 0) return Infinity

  const needed = unitsAhead + cost.requests
  const servedBy = (t: number) => {
    let units = 0
    for (const s of starts) if (t >= s.at) units += 1 + Math.floor((t - s.at) * s.perMs)
    return units
  }
  let low = now
  let high = now + HORIZON_MS
  if (servedBy(high) < needed) return Infinity
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (servedBy(middle) >= needed) high = middle
    else low = middle
  }
  return servedBy(low) >= needed ? low : high
}
