import type { BudgetStore } from '../limits/store.js'
import type { Cost } from './scheduler.js'
import type { Slot } from './lane.js'

const MINUTE_MS = 60_000
/** Searched no further: a wait past a day is as good as never for a caller. */
const HORIZON_MS = 24 * 3_600_000
/** Steps from the last answer to the next, one unit time each, before a search is cheaper. */
const MAX_STEPS = 4
/** Token counts are rounded up to one of 8 sizes an octave: at most 9 % more, or one token. */
const TOKEN_SIZES_PER_OCTAVE = 8
/** Snapshots kept per lane, one per rounded token count; a lane rarely sees more. */
const MAX_SNAPSHOTS = 16

/**
 * When a call with `unitsAhead` request units queued before it can expect to go, read from the
 * budgets' real state: each slot serves from the time its next unit fits (`nextFitAt`: the
 * window's real refill time, a cooldown's end, the next Pacific midnight), then at its rpm.
 *
 * Known shortcoming: a slot is credited one unit at that time and then its steady rate, not
 * the burst its window may free at once, so the prediction errs late (a call may be refused a
 * wait it would have got) and never early.
 */
export function predictStart(
  store: BudgetStore,
  slots: readonly Slot[],
  unitsAhead: number,
  cost: Cost,
  now: number,
): number {
  const starts = new SlotStarts(store, slots, cost.tokens, now)
  return starts.search(unitsAhead + cost.requests, now, now)
}

/** What a forecast needs of its lane: the slots, and a count that moves when one goes dormant. */
export interface ForecastLane {
  readonly slots: readonly Slot[]
  readonly dormancyChanges: number
}

/**
 * `predictStart` for one lane, kept between calls. Every call that must wait asks for one, and
 * with a thousand slots each answer reads a thousand budgets and searches a day of them (over
 * 200 µs a call with 10,000 waiting, `npm run bench`). While no budget of the store and no
 * slot's dormancy has changed, the slots' start times still hold, and the next call's answer
 * is a step or two past the last one: the work is done again only when something changed.
 *
 * The rounding of token counts makes the prediction a little later than `predictStart`'s when
 * tokens per minute are what binds, never earlier.
 */
export class StartForecast {
  readonly #lane: ForecastLane
  readonly #minTpm: number
  readonly #byTokens = new Map<number, Snapshot>()

  constructor(lane: ForecastLane) {
    this.#lane = lane
    this.#minTpm = Math.min(...lane.slots.map((slot) => slot.limits.tpm))
  }

  predict(store: BudgetStore, unitsAhead: number, cost: Cost, now: number): number {
    const needed = unitsAhead + cost.requests
    if (store.revision === undefined) {
      return new SlotStarts(store, this.#lane.slots, cost.tokens, now).search(needed, now, now)
    }
    const tokens = this.roundTokens(cost.tokens)
    let snapshot = this.#byTokens.get(tokens)
    if (!snapshot?.holdsAt(store.revision, this.#lane.dormancyChanges, now)) {
      snapshot = this.#take(store, tokens, now)
    }
    return snapshot.startFor(needed, now)
  }

  /**
   * Rounded up, so that calls of similar size share a snapshot; never past the smallest tpm of
   * the lane, which would make a call that fits look as if it never could.
   */
  roundTokens(tokens: number): number {
    if (tokens <= 1) return tokens
    const steps = Math.ceil(Math.log2(tokens) * TOKEN_SIZES_PER_OCTAVE)
    const rounded = Math.ceil(2 ** (steps / TOKEN_SIZES_PER_OCTAVE))
    return rounded <= this.#minTpm ? Math.max(rounded, tokens) : tokens
  }

  #take(store: BudgetStore, tokens: number, now: number): Snapshot {
    if (this.#byTokens.size >= MAX_SNAPSHOTS) this.#byTokens.clear()
    const starts = new SlotStarts(store, this.#lane.slots, tokens, now)
    // Read after the slots: a budget made on first use moves the revision.
    const snapshot = new Snapshot(starts, store.revision!, this.#lane.dormancyChanges, now)
    this.#byTokens.set(tokens, snapshot)
    return snapshot
  }
}

/**
 * One lane's start times as read at `takenAt`, and the last answer given from them. They hold
 * until the store or a slot changes, and only while no slot's start has passed: a slot that
 * fits now starts at `now`, which moves.
 */
class Snapshot {
  readonly #starts: SlotStarts
  readonly #revision: number
  readonly #dormancyChanges: number
  readonly #takenAt: number
  /** The last answer: units served by `#at`, and by the time just before it. */
  #at = Number.NaN
  #served = 0
  #servedBefore = 0

  constructor(starts: SlotStarts, revision: number, dormancyChanges: number, takenAt: number) {
    this.#starts = starts
    this.#revision = revision
    this.#dormancyChanges = dormancyChanges
    this.#takenAt = takenAt
  }

  holdsAt(revision: number, dormancyChanges: number, now: number): boolean {
    if (revision !== this.#revision || dormancyChanges !== this.#dormancyChanges) return false
    return now >= this.#takenAt && now <= this.#starts.earliest
  }

  startFor(needed: number, now: number): number {
    // NaN (no answer yet) compares false.
    const hasLast = this.#at >= now
    if (hasLast && needed <= this.#served && needed > this.#servedBefore) return this.#at

    let from = now
    if (hasLast && needed > this.#served) {
      from = this.#stepFrom(needed, now)
      if (from === Infinity || this.#served >= needed) return from
    }
    const at = this.#starts.search(needed, from, now)
    if (Number.isFinite(at)) this.#remember(at, now)
    return at
  }

  /**
   * Walks from the last answer one rise of the served units at a time, a few at most: where it
   * stopped (the answer once `needed` are served), or Infinity past the horizon.
   */
  #stepFrom(needed: number, now: number): number {
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = this.#starts.nextRiseAfter(this.#at)
      if (next > now + HORIZON_MS) return Infinity
      this.#servedBefore = this.#served
      this.#served = this.#starts.servedBy(next)
      this.#at = next
      if (this.#served >= needed) break
    }
    return this.#at
  }

  #remember(at: number, now: number): void {
    this.#at = at
    this.#served = this.#starts.servedBy(at)
    this.#servedBefore = at > now ? this.#starts.servedBy(Math.max(now, at - 1)) : 0
  }
}

/**
 * When each active slot of a lane next fits one unit of `tokens`, and its rate from then on.
 * Times are searched to the millisecond: `now`, then whole milliseconds.
 */
class SlotStarts {
  readonly #at: number[] = []
  readonly #perMs: number[] = []
  /** The earliest start: until then, none of them moves. */
  earliest = Infinity

  constructor(store: BudgetStore, slots: readonly Slot[], tokens: number, now: number) {
    const one: Cost = { requests: 1, tokens }
    for (const slot of slots) {
      if (slot.place === 'dormant') continue
      const at = store.nextFitAt(slot.group.project, slot.limits, one, now)
      if (!Number.isFinite(at)) continue
      const rpm = Number.isFinite(slot.limits.rpm) ? slot.limits.rpm : 1_000_000
      this.#at.push(at)
      this.#perMs.push(rpm / MINUTE_MS)
      this.earliest = Math.min(this.earliest, at)
    }
  }

  /** Units served by time `t`: each slot one at its start, then one per its interval. */
  servedBy(t: number): number {
    let units = 0
    for (let i = 0; i < this.#at.length; i++) units += unitsBy(this.#at[i]!, this.#perMs[i]!, t)
    return units
  }

  /** The first whole millisecond after `t` at which some slot serves one more unit. */
  nextRiseAfter(t: number): number {
    let next = Infinity
    for (let i = 0; i < this.#at.length; i++) {
      next = Math.min(next, riseAfter(this.#at[i]!, this.#perMs[i]!, t))
    }
    return next
  }

  /**
   * The first time from `from` (`now` or a whole millisecond) by which `needed` units are
   * served, within a day of `now`; Infinity when none is.
   */
  search(needed: number, from: number, now: number): number {
    if (this.#at.length === 0) return Infinity
    let low = from
    let high = now + HORIZON_MS
    if (this.servedBy(high) < needed) return Infinity
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2)
      if (this.servedBy(middle) >= needed) high = middle
      else low = middle
    }
    return this.servedBy(low) >= needed ? low : high
  }
}

function unitsBy(at: number, perMs: number, t: number): number {
  return t >= at ? 1 + Math.floor((t - at) * perMs) : 0
}

/** The first whole millisecond after `t` by which one slot has served more than by `t`. */
function riseAfter(at: number, perMs: number, t: number): number {
  if (t < at) return Math.ceil(at)
  if (perMs === 0) return Infinity
  const served = unitsBy(at, perMs, t)
  // The exact time is `at + served / perMs`; floating point may put it a millisecond off.
  let next = Math.max(Math.floor(t) + 1, Math.ceil(at + served / perMs))
  while (unitsBy(at, perMs, next) <= served) next++
  while (next - 1 > t && unitsBy(at, perMs, next - 1) > served) next--
  return next
}
