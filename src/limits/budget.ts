import { DayCounter } from './day-counter.js'
import { nextPacificMidnight } from './pacific-day.js'
import type { RateLimits } from './resolve.js'
import { MINUTE_MS, SlidingWindow } from './sliding-window.js'

/**
 * The quota of one (project, budget model) pair (design section 3, "Limits", and section 6):
 * an rpm and a tpm sliding window, an rpd day counter, and what 429s taught (cooling until a
 * time, or exhausted until Pacific midnight). Units are taken right before a call is sent and
 * never refunded; only the token estimate is corrected once `usageMetadata` arrives.
 */

/** What one attempt costs. A batch embed costs one request per item. */
export interface Cost {
  readonly requests: number
  readonly tokens: number
}

export type BudgetState = 'ok' | 'cooling' | 'exhausted'
export type LimitKind = 'rpm' | 'tpm' | 'rpd'
export type RefusalReason = LimitKind | 'cooling' | 'exhausted'

/** Units held for one attempt sent upstream. */
export interface Reservation {
  readonly project: string
  readonly budgetModel: string
  /** When the tpm units were recorded: the handle of a later correction. */
  readonly takenAt: number
  readonly requests: number
  /** Tokens held in the tpm window now; `correct` moves it to the real count. */
  tokens: number
}

export type AcquireResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | {
      readonly ok: false
      /** The earliest time every limit and the state admit this cost; Infinity for never. */
      readonly retryAt: number
      /** The limit that holds the call longest. */
      readonly reason: RefusalReason
    }

/** A cost that exceeds a whole limit: it could never be sent (`keypool.RequestTooLarge`). */
export interface TooLarge {
  readonly limit: LimitKind
  readonly max: number
  readonly cost: number
}

export interface LimitSnapshot {
  /** Null when there is no limit of this kind. */
  readonly limit: number | null
  readonly used: number
  readonly left: number | null
  /** rpm/tpm: when the oldest units held come back (null if none); rpd: the next midnight. */
  readonly resetsAt: string | null
}

/** One entry of `budgets` in `/keypool/status` (design section 9). */
export interface BudgetSnapshot {
  readonly project: string
  readonly model: string
  readonly state: BudgetState
  readonly until: string | null
  readonly rpm: LimitSnapshot
  readonly tpm: LimitSnapshot
  readonly rpd: LimitSnapshot
}

/** A 429 without RetryInfo (no details, a spend cap, `limit: 0`) cools for this, doubling. */
export const BARE_COOL_MS = 60_000
/** The doubling stops here: a spend cap's rolling window is 10 minutes (gemini-wire §3.2). */
export const MAX_BARE_COOL_MS = 60 * 60_000

export class Budget {
  readonly project: string
  readonly budgetModel: string
  readonly #rpm: SlidingWindow
  readonly #tpm: SlidingWindow
  readonly #rpd: DayCounter
  /** As last set; reads go through `#current`, which lets an elapsed state end by itself. */
  #state: BudgetState = 'ok'
  /** When `#state` ends; meaningless while it is `ok`. Only time, never a call, ends it. */
  #until = 0
  /** Bare 429 episodes in a row; a success while `ok` resets it. */
  #bareStreak = 0

  /**
   * `windowMs` is the minute plus the store's trip allowance: units return that long after
   * they were taken (see MemoryBudgetStore).
   */
  constructor(project: string, budgetModel: string, limits: RateLimits, windowMs = MINUTE_MS) {
    this.project = project
    this.budgetModel = budgetModel
    this.#rpm = new SlidingWindow(limits.rpm, windowMs)
    this.#tpm = new SlidingWindow(limits.tpm, windowMs)
    this.#rpd = new DayCounter(limits.rpd)
  }

  get limits(): RateLimits {
    return { rpm: this.#rpm.limit, tpm: this.#tpm.limit, rpd: this.#rpd.limit }
  }

  /** New numbers (a reload): the units taken and the state learnt from 429s stay. */
  setLimits(limits: RateLimits): void {
    this.#rpm.setLimit(limits.rpm)
    this.#tpm.setLimit(limits.tpm)
    this.#rpd.setLimit(limits.rpd)
  }

  hasLimits(limits: RateLimits): boolean {
    return (
      this.#rpm.limit === limits.rpm &&
      this.#tpm.limit === limits.tpm &&
      this.#rpd.limit === limits.rpd
    )
  }

  state(now: number): BudgetState {
    return this.#current(now)
  }

  /** When a cooling or exhausted state ends by itself; undefined while `ok`. */
  until(now: number): number | undefined {
    return this.#current(now) === 'ok' ? undefined : this.#until
  }

  /** Admits and takes `cost` at `now` in one step, or says when it could. */
  tryAcquire(cost: Cost, now: number): AcquireResult {
    const fitAt = this.nextFitAt(cost, now)
    if (fitAt > now) {
      return { ok: false, retryAt: fitAt, reason: this.#holdingUntil(fitAt, cost, now) }
    }

    this.#rpm.take(cost.requests, now)
    this.#rpd.take(cost.requests, now)
    const takenAt = this.#tpm.take(cost.tokens, now)
    const { project, budgetModel } = this
    const reservation = {
      project,
      budgetModel,
      takenAt,
      requests: cost.requests,
      tokens: cost.tokens,
    }
    return { ok: true, reservation }
  }

  /**
   * The earliest time `cost` would be admitted if nothing else is taken: `now` if at once. Each
   * limit frees up only as time passes, so the latest of their fit times fits them all.
   */
  nextFitAt(cost: Cost, now: number): number {
    const state = this.#current(now)
    return Math.max(
      state === 'ok' ? now : this.#until,
      this.#rpd.nextFitAt(cost.requests, now),
      this.#rpm.nextFitAt(cost.requests, now),
      this.#tpm.nextFitAt(cost.tokens, now),
    )
  }

  /** Replaces a reservation's token estimate with the count `usageMetadata` reported. */
  correct(reservation: Reservation, actualInputTokens: number): void {
    const delta = actualInputTokens - reservation.tokens
    if (delta === 0) return
    this.#tpm.adjust(reservation.takenAt, delta)
    reservation.tokens = actualInputTokens
  }

  /** The first limit that `cost` exceeds as a whole, if any. */
  tooLarge(cost: Cost): TooLarge | undefined {
    if (cost.requests > this.#rpm.limit) return over('rpm', this.#rpm.limit, cost.requests)
    if (cost.tokens > this.#tpm.limit) return over('tpm', this.#tpm.limit, cost.tokens)
    if (cost.requests > this.#rpd.limit) return over('rpd', this.#rpd.limit, cost.requests)
    return undefined
  }

  /**
   * The least fraction left of rpm, tpm and rpd, in [0, 1], when `cost` fits at `now`; -1 when
   * it does not (cooling, exhausted, a limit too full). One pass over the limits for the key
   * chooser, which reads up to 8 budgets per call (2 in a larger pool): with 1,000 keys each
   * read is a cache miss, and a second read of a budget for its fit cost about 1 µs a call.
   */
  headroomIfFits(cost: Cost, now: number): number {
    if (this.#current(now) !== 'ok') return -1
    const rpm = this.#rpm.limit - this.#rpm.used(now)
    const tpm = this.#tpm.limit - this.#tpm.used(now)
    const rpd = this.#rpd.limit - this.#rpd.used(now)
    if (cost.requests > rpm || cost.tokens > tpm || cost.requests > rpd) return -1
    return Math.min(
      fraction(rpm, this.#rpm.limit),
      fraction(tpm, this.#tpm.limit),
      fraction(rpd, this.#rpd.limit),
    )
  }

  /** A 429 with RetryInfo: no traffic until `until` (the delay's fraction kept). */
  coolUntil(until: number, now: number): void {
    this.#penalise('cooling', until, now)
  }

  /**
   * A 429 with no details, a spend cap or `limit: 0`: cool for 60 s, doubling for each episode
   * in a row. A bare 429 that arrives while the budget is still cooling (an attempt sent before
   * the first one answered) belongs to the same episode and doubles nothing.
   */
  coolBare(now: number): void {
    if (this.#current(now) === 'ok') this.#bareStreak++
    const doublings = Math.max(0, this.#bareStreak - 1)
    const delay = Math.min(BARE_COOL_MS * 2 ** doublings, MAX_BARE_COOL_MS)
    this.#penalise('cooling', now + delay, now)
  }

  /** A per-day 429: no traffic until the next Pacific midnight. */
  exhaust(now: number): void {
    this.#penalise('exhausted', nextPacificMidnight(now), now)
  }

  /** An answer that was not a 429. It ends the doubling, never a cooling or an exhaustion. */
  recordSuccess(now: number): void {
    if (this.#current(now) === 'ok') this.#bareStreak = 0
  }

  snapshot(now: number): BudgetSnapshot {
    const state = this.#current(now)
    return {
      project: this.project,
      model: this.budgetModel,
      state,
      until: state === 'ok' ? null : iso(this.#until),
      rpm: windowSnapshot(this.#rpm, now),
      tpm: windowSnapshot(this.#tpm, now),
      rpd: {
        limit: finite(this.#rpd.limit),
        used: this.#rpd.used(now),
        left: finite(this.#rpd.left(now)),
        resetsAt: iso(this.#rpd.resetsAt(now)),
      },
    }
  }

  #current(now: number): BudgetState {
    if (this.#state !== 'ok' && now >= this.#until) this.#state = 'ok'
    return this.#state
  }

  /**
   * What a 429 taught only ever lengthens a penalty: a shorter one (or a refresh) never ends a
   * longer one early (case C20). On an equal end, exhaustion is the state shown.
   */
  #penalise(state: Exclude<BudgetState, 'ok'>, until: number, now: number): void {
    if (this.#current(now) !== 'ok') {
      if (until < this.#until) return
      if (until === this.#until && state !== 'exhausted') return
    }
    this.#state = state
    this.#until = until
  }

  /** Which limit holds `cost` until `fitAt`; on a tie, the state, then rpd, rpm and tpm. */
  #holdingUntil(fitAt: number, cost: Cost, now: number): RefusalReason {
    const state = this.#current(now)
    if (state !== 'ok' && this.#until === fitAt) return state
    if (this.#rpd.nextFitAt(cost.requests, now) === fitAt) return 'rpd'
    if (this.#rpm.nextFitAt(cost.requests, now) === fitAt) return 'rpm'
    return 'tpm'
  }
}

function over(limit: LimitKind, max: number, cost: number): TooLarge {
  return { limit, max, cost }
}

function fraction(left: number, limit: number): number {
  if (limit === Infinity) return 1
  return limit <= 0 ? 0 : left / limit
}

function windowSnapshot(window: SlidingWindow, now: number): LimitSnapshot {
  const next = window.nextReturnAt(now)
  return {
    limit: finite(window.limit),
    used: window.used(now),
    left: finite(window.left(now)),
    resetsAt: next === undefined ? null : iso(next),
  }
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}
