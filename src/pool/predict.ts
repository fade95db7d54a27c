import type { BudgetStore } from '../limits/store.js'
import type { Cost } from './scheduler.js'
import type { Slot } from './lane.js'

const MINUTE_MS = 60_000
/** Searched no further: a wait past a day is as good as never for a caller. */
const HORIZON_MS = 24 * 3_600_000
/** Steps from the last answer to the next, one unit time each, before a search is cheaper. */
const MAX_STEPS = 4

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
 * `predictStart` for one lane, kept between calls, with the same answers (to the millisecond,
 * on a clock of whole milliseconds). Every call that must wait asks for one; with a thousand
 * slots, each answer read a thousand budgets and searched a day of them (over 200 µs a call
 * with 10,000 waiting, `npm run bench`). Here each slot's start is read once, then again only
 * when the store says its budget changed (`changedSince`); the last answer is kept, and the
 * next call's is at it or a step or two past it.
 *
 * Starts are kept for a call of no tokens. A slot is asked again for a call's own count only
 * when that count is larger than any it was found to start the same for: where tokens per
 * minute bind, that slot's start for this call is read, and used for this call alone.
 */
export class StartForecast {
  readonly #lane: ForecastLane
  #snapshot: Snapshot | undefined

  constructor(lane: ForecastLane) {
    this.#lane = lane
  }

  predict(store: BudgetStore, unitsAhead: number, cost: Cost, now: number): number {
    const { slots, dormancyChanges } = this.#lane
    if (store.revision === undefined) return predictStart(store, slots, unitsAhead, cost, now)

    if (!this.#snapshot?.catchUp(store, dormancyChanges, now)) {
      this.#snapshot = new Snapshot(store, this.#lane, now)
    }
    return this.#snapshot.startFor(store, unitsAhead + cost.requests, cost.tokens, now)
  }
}

/**
 * One lane's start times and the last answer given from them. They hold while the lane's
 * dormant slots stay the same, as they are brought up to date with every budget the store
 * reports changed, and as slots whose start has passed start at `now`.
 */
class Snapshot {
  readonly #starts: SlotStarts
  readonly #dormancyChanges: number
  #revision: number
  #lastNow: number
  /** The last answer and the millisecond before it, with the units served by each. */
  #at = Number.NaN
  #served = 0
  #before = Number.NaN
  #servedBefore = 0

  constructor(store: BudgetStore, lane: ForecastLane, now: number) {
    this.#starts = new SlotStarts(store, lane.slots, 0, now)
    this.#dormancyChanges = lane.dormancyChanges
    // Read after the slots: a budget made on first use moves the revision.
    this.#revision = store.revision!
    this.#lastNow = now
  }

  /** Brings the start times up to `now` and the store's revision; false when it cannot. */
  catchUp(store: BudgetStore, dormancyChanges: number, now: number): boolean {
    if (dormancyChanges !== this.#dormancyChanges || now < this.#lastNow) return false
    this.#lastNow = now
    if (store.revision !== this.#revision) {
      const changed = store.changedSince?.(this.#revision)
      if (!changed) return false
      for (const budget of changed) {
        const slot = this.#starts.indexOf(budget.project, budget.budgetModel)
        if (slot !== -1) this.#moved(slot, this.#starts.reread(slot, store, now))
      }
      this.#revision = store.revision!
    }
    if (now > this.#starts.earliest) {
      // A slot whose start has passed with nothing taken from it since still fits, for every
      // count it was found to start the same for: it starts at `now`.
      for (const slot of this.#starts.passed(now)) this.#moved(slot, this.#starts.move(slot, now))
      this.#starts.findEarliest()
    }
    return true
  }

  startFor(store: BudgetStore, needed: number, tokens: number, now: number): number {
    // Slots that start later for this call's tokens do so for this answer alone.
    const later = this.#starts.laterFor(tokens, store, now)
    for (const pair of later) {
      pair[1] = this.#starts.move(pair[0], pair[1])
      this.#moved(pair[0], pair[1])
    }
    const answer = this.#answer(needed, now)
    for (const [slot, start] of later) this.#moved(slot, this.#starts.move(slot, start))
    return answer
  }

  #answer(needed: number, now: number): number {
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

  /** A slot's start moved from `was`: the last answer's counts follow. */
  #moved(slot: number, was: number): void {
    if (Number.isNaN(this.#at)) return
    this.#served += this.#starts.unitsChange(slot, was, this.#at)
    this.#servedBefore += this.#starts.unitsChange(slot, was, this.#before)
  }

  /**
   * Walks from the last answer one rise of the served units at a time, a few at most: where it
   * stopped (the answer once `needed` are served), or Infinity past the horizon.
   */
  #stepFrom(needed: number, now: number): number {
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = this.#starts.nextRiseAfter(this.#at)
      if (next > now + HORIZON_MS) return Infinity
      // Nothing rises between the last answer and `next`: the millisecond before serves as many.
      this.#before = next - 1
      this.#servedBefore = this.#served
      this.#at = next
      this.#served = this.#starts.servedBy(next)
      if (this.#served >= needed) break
    }
    return this.#at
  }

  #remember(at: number, now: number): void {
    this.#at = at
    this.#served = this.#starts.servedBy(at)
    // The time searched just before `at`: the millisecond before, or `now` itself.
    this.#before = at > now ? Math.max(now, at - 1) : Number.NEGATIVE_INFINITY
    this.#servedBefore = at > now ? this.#starts.servedBy(this.#before) : 0
  }
}

/**
 * When each active slot of a lane next fits one unit of `tokens`, and its rate from then on.
 * Times are searched to the millisecond: `now`, then whole milliseconds.
 */
class SlotStarts {
  readonly #tokens: number
  readonly #slots: Slot[] = []
  readonly #at: number[] = []
  readonly #perMs: number[] = []
  /** Per slot, the largest token count found to start when `#tokens` does. */
  readonly #sameUpTo: number[] = []
  readonly #indexByProject = new Map<string, number>()
  /** The earliest start, or a time before it: until then, none of them moves. */
  earliest = Infinity

  constructor(store: BudgetStore, slots: readonly Slot[], tokens: number, now: number) {
    this.#tokens = tokens
    for (const slot of slots) {
      if (slot.place === 'dormant') continue
      const rpm = Number.isFinite(slot.limits.rpm) ? slot.limits.rpm : 1_000_000
      this.#indexByProject.set(slot.group.project, this.#slots.length)
      this.#slots.push(slot)
      this.#perMs.push(rpm / MINUTE_MS)
      this.#at.push(Infinity)
      this.#sameUpTo.push(tokens)
      this.reread(this.#slots.length - 1, store, now)
    }
  }

  indexOf(project: string, budgetModel: string): number {
    const index = this.#indexByProject.get(project)
    if (index === undefined) return -1
    return this.#slots[index]!.limits.budgetModel === budgetModel ? index : -1
  }

  /** Reads one slot's start again from the store; returns the start it had. */
  reread(index: number, store: BudgetStore, now: number): number {
    this.#sameUpTo[index] = this.#tokens
    return this.move(index, this.#fitAt(index, this.#tokens, store, now))
  }

  /**
   * The slots that start later for a call of `tokens` than for `#tokens`, with that start.
   * A slot found to start the same remembers it, and is not asked again for as many.
   */
  laterFor(tokens: number, store: BudgetStore, now: number): Array<[number, number]> {
    const later: Array<[number, number]> = []
    for (let i = 0; i < this.#at.length; i++) {
      if (tokens <= this.#sameUpTo[i]!) continue
      // Twice as many asked first, so that calls growing a little do not ask every time.
      if (this.#fitAt(i, tokens * 2, store, now) === this.#at[i]) {
        this.#sameUpTo[i] = tokens * 2
        continue
      }
      const at = this.#fitAt(i, tokens, store, now)
      if (at === this.#at[i]) this.#sameUpTo[i] = tokens
      else later.push([i, at])
    }
    return later
  }

  /** Sets one slot's start; returns the start it had. */
  move(index: number, at: number): number {
    const was = this.#at[index]!
    this.#at[index] = at
    this.earliest = Math.min(this.earliest, at)
    return was
  }

  /** The slots whose start has passed by `now`. */
  passed(now: number): number[] {
    const passed: number[] = []
    for (let i = 0; i < this.#at.length; i++) if (this.#at[i]! < now) passed.push(i)
    return passed
  }

  findEarliest(): void {
    this.earliest = Infinity
    for (const at of this.#at) this.earliest = Math.min(this.earliest, at)
  }

  /** Units by time `t` gained (or lost) when slot `index` moved from starting at `was`. */
  unitsChange(index: number, was: number, t: number): number {
    const perMs = this.#perMs[index]!
    return unitsBy(this.#at[index]!, perMs, t) - unitsBy(was, perMs, t)
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

  #fitAt(index: number, tokens: number, store: BudgetStore, now: number): number {
    const { group, limits } = this.#slots[index]!
    return store.nextFitAt(group.project, limits, { requests: 1, tokens }, now)
  }
}

/** Units a slot starting at `at` has served by `t`; none for a slot that never fits. */
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
