import {
  Budget,
  type AcquireResult,
  type BudgetSnapshot,
  type Cost,
  type Reservation,
} from '../limits/budget.js'
import type { BudgetLimits } from '../limits/resolve.js'
import { MINUTE_MS } from '../limits/sliding-window.js'
import type { BudgetId, BudgetStore, Penalty } from '../limits/store.js'

/** Changes remembered for `changedSince`; a reader further behind reads every budget again. */
const CHANGE_LOG_SIZE = 64

/**
 * Budgets in this process's memory: synchronous, and atomic because JavaScript runs one call
 * at a time. Budgets are created on first use and kept; their number is bounded by projects
 * times budget models, and budget models by the tables, the config and the one `other`.
 */
export class MemoryBudgetStore implements BudgetStore {
  /** project → budget model → budget. Two lookups, no key string built per call. */
  readonly #budgets = new Map<string, Map<string, Budget>>()
  readonly #windowMs: number
  #revision = 0
  /** The budget each of the last revisions changed, at `revision % CHANGE_LOG_SIZE`. */
  readonly #changeLog: BudgetId[] = []

  /**
   * `tripAllowanceMs` (clock time) is added to every minute window. keypool takes a unit when
   * it grants a call; Google counts it when the call arrives, a moment later. Without the
   * allowance a unit could come back here while Google's window still holds it, and the next
   * call sent at that instant would meet a 429.
   */
  constructor(options: { tripAllowanceMs?: number } = {}) {
    this.#windowMs = MINUTE_MS + (options.tripAllowanceMs ?? 0)
  }

  get revision(): number {
    return this.#revision
  }

  changedSince(revision: number): readonly BudgetId[] | undefined {
    if (this.#revision - revision > CHANGE_LOG_SIZE || revision > this.#revision) return undefined
    const changed: BudgetId[] = []
    for (let r = revision + 1; r <= this.#revision; r++) {
      changed.push(this.#changeLog[r % CHANGE_LOG_SIZE]!)
    }
    return changed
  }

  tryAcquire(project: string, limits: BudgetLimits, cost: Cost, now: number): AcquireResult {
    const budget = this.budget(project, limits)
    const result = budget.tryAcquire(cost, now)
    if (result.ok) this.#changed(budget)
    return result
  }

  correct(reservation: Reservation, actualInputTokens: number): void {
    const budget = this.#budgets.get(reservation.project)?.get(reservation.budgetModel)
    if (!budget || actualInputTokens === reservation.tokens) return
    budget.correct(reservation, actualInputTokens)
    this.#changed(budget)
  }

  penalise(project: string, limits: BudgetLimits, penalty: Penalty, now: number): void {
    const budget = this.budget(project, limits)
    if (penalty.kind === 'retry') budget.coolUntil(penalty.until, now)
    else if (penalty.kind === 'bare') budget.coolBare(now)
    else budget.exhaust(now)
    this.#changed(budget)
  }

  /** Ends a doubling of bare 429s: no change to when anything fits, so no revision. */
  recordSuccess(project: string, limits: BudgetLimits, now: number): void {
    this.budget(project, limits).recordSuccess(now)
  }

  nextFitAt(project: string, limits: BudgetLimits, cost: Cost, now: number): number {
    return this.budget(project, limits).nextFitAt(cost, now)
  }

  headroomIfFits(project: string, limits: BudgetLimits, cost: Cost, now: number): number {
    return this.budget(project, limits).headroomIfFits(cost, now)
  }

  snapshot(now: number): BudgetSnapshot[] {
    const all: BudgetSnapshot[] = []
    for (const models of this.#budgets.values()) {
      for (const budget of models.values()) all.push(budget.snapshot(now))
    }
    return all
  }

  /**
   * The budget itself, created on first use, its numbers brought up to `limits` (a reload, or
   * `other` asked for by pools with different defaults: each call is held to its own numbers).
   */
  budget(project: string, limits: BudgetLimits): Budget {
    let models = this.#budgets.get(project)
    if (!models) {
      models = new Map()
      this.#budgets.set(project, models)
    }
    let budget = models.get(limits.budgetModel)
    if (!budget) {
      budget = new Budget(project, limits.budgetModel, limits, this.#windowMs)
      models.set(limits.budgetModel, budget)
      this.#changed(budget)
    } else if (!budget.hasLimits(limits)) {
      budget.setLimits(limits)
      this.#changed(budget)
    }
    return budget
  }

  #changed(budget: Budget): void {
    this.#revision++
    this.#changeLog[this.#revision % CHANGE_LOG_SIZE] = budget
  }
}
