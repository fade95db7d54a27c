import type { AcquireResult, BudgetSnapshot, Cost, Reservation } from './budget.js'
import type { BudgetLimits } from './resolve.js'

/**
 * Where budget state lives: memory now, Redis later (design section 11).
 *
 * Shape decisions:
 * - Every call names its budget as (project, limits), with `limits` the resolver's answer: its
 *   `budgetModel` names the budget and its numbers are checked on the spot. The store holds
 *   counts and states, never config, so a reload needs no store migration, and a Redis
 *   implementation passes the numbers to its Lua script as arguments. The memory store notices
 *   changed numbers with three comparisons and keeps the counts.
 * - Writes (`tryAcquire`, `correct`, penalties, `recordSuccess`) return `Awaitable`: the memory
 *   store answers synchronously with plain values (no Promise allocated on the hot path;
 *   `await` on a plain value costs one microtask, and a caller may skip it with `isPromise`),
 *   while Redis answers with a Promise. `tryAcquire` must be one atomic step (for Redis: one
 *   round trip running a Lua script over the two windows, the day counter and the state).
 * - Reads used to choose a key or predict a wait (`nextFitAt`, `headroom`, `snapshot`) are
 *   synchronous. Redis serves them from the state its last replies brought back; they may be
 *   a little stale, which is harmless because only `tryAcquire` admits a call.
 * - Time is always the caller's `now` (the injected clock), never the store's own.
 */

export type Awaitable<T> = T | Promise<T>

/** Names one budget: a project's, for one budget model. */
export interface BudgetId {
  readonly project: string
  readonly budgetModel: string
}

/** Why a (project, model) must pause, learnt from an upstream 429 (design section 6). */
export type Penalty =
  /** A per-minute quota with `RetryInfo`: cool until this epoch ms. */
  | { readonly kind: 'retry'; readonly until: number }
  /** No details, a spend cap or `limit: 0`: 60 s doubling while it repeats. */
  | { readonly kind: 'bare' }
  /** A per-day quota: exhausted until the next Pacific midnight. */
  | { readonly kind: 'day' }

export interface BudgetStore {
  /** Admits and takes `cost` atomically, or says when it could. */
  tryAcquire(
    project: string,
    limits: BudgetLimits,
    cost: Cost,
    now: number,
  ): Awaitable<AcquireResult>

  /** Replaces a reservation's token estimate with the real count from `usageMetadata`. */
  correct(reservation: Reservation, actualInputTokens: number): Awaitable<void>

  penalise(project: string, limits: BudgetLimits, penalty: Penalty, now: number): Awaitable<void>

  /** An answer that was not a 429: ends the doubling of bare 429s (never a penalty). */
  recordSuccess(project: string, limits: BudgetLimits, now: number): Awaitable<void>

  /**
   * A number that moves whenever a budget changes when a call would fit, so that what is read
   * from the budgets can be kept until it does; undefined when the store cannot tell (its
   * budgets are then read afresh every time). Time passing alone does not move it.
   */
  readonly revision?: number

  /**
   * The budgets changed after `revision`, one entry a change; undefined when the store no
   * longer knows (too far behind), and the reader must read every budget again.
   */
  changedSince?(revision: number): readonly BudgetId[] | undefined

  /** When `cost` would be admitted if nothing else were taken (`now` if at once). */
  nextFitAt(project: string, limits: BudgetLimits, cost: Cost, now: number): number

  /**
   * The least fraction left of rpm, tpm and rpd, in [0, 1], when `cost` would be admitted at
   * `now`; -1 when it would not (cooling, exhausted, or a limit too full).
   */
  headroomIfFits(project: string, limits: BudgetLimits, cost: Cost, now: number): number

  /** Every budget this store holds, for `/keypool/status` and the budget metrics. */
  snapshot(now: number): BudgetSnapshot[]
}

export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return value instanceof Promise
}
