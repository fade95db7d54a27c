import { pacificDay } from './pacific-day.js'
import type { SimLimits, SimUsage } from './types.js'

const MINUTE = 60_000

export type QuotaDimension = 'rpm' | 'tpm' | 'rpd'

export interface QuotaViolation {
  readonly dimension: QuotaDimension
  readonly limit: number
  /** Clock ms until the call would fit under this dimension's limit. */
  readonly retryMs: number
}

/**
 * One (project, model)'s plain log: what was charged in the last minute, and the Pacific day's
 * count. Entries leave the minute 60 s after they were taken (a sliding window, design section 3).
 */
class Window {
  // Parallel arrays from `#head` on, oldest first; `#head` moves instead of shifting.
  #at: number[] = []
  #units: number[] = []
  #tokens: number[] = []
  #head = 0
  #unitSum = 0
  #tokenSum = 0
  #dayEnd = -Infinity
  #dayUnits = 0

  /** Drops what has left the minute and rolls the day over; call before reading. */
  settle(now: number): void {
    while (this.#head < this.#at.length && this.#at[this.#head]! + MINUTE <= now) {
      this.#unitSum -= this.#units[this.#head]!
      this.#tokenSum -= this.#tokens[this.#head]!
      this.#head++
    }
    if (this.#head > 1024 && this.#head * 2 > this.#at.length) this.#compact()
    if (now >= this.#dayEnd) {
      this.#dayEnd = pacificDay(now).end
      this.#dayUnits = 0
    }
  }

  charge(now: number, units: number, tokens: number): void {
    this.#at.push(now)
    this.#units.push(units)
    this.#tokens.push(tokens)
    this.#unitSum += units
    this.#tokenSum += tokens
    this.#dayUnits += units
  }

  violations(now: number, limits: SimLimits, units: number, tokens: number): QuotaViolation[] {
    const found: QuotaViolation[] = []
    if (this.#dayUnits + units > limits.rpd) {
      found.push({ dimension: 'rpd', limit: limits.rpd, retryMs: this.#dayEnd - now })
    }
    if (this.#unitSum + units > limits.rpm) {
      found.push({
        dimension: 'rpm',
        limit: limits.rpm,
        retryMs: this.#waitFor(now, this.#units, this.#unitSum + units - limits.rpm),
      })
    }
    if (this.#tokenSum + tokens > limits.tpm) {
      found.push({
        dimension: 'tpm',
        limit: limits.tpm,
        retryMs: this.#waitFor(now, this.#tokens, this.#tokenSum + tokens - limits.tpm),
      })
    }
    return found
  }

  usage(limits: SimLimits): SimUsage {
    return { rpm: this.#unitSum, tpm: this.#tokenSum, rpd: this.#dayUnits, limits }
  }

  /** Time until `excess` of the given amounts has left the minute (a full minute if never). */
  #waitFor(now: number, amounts: number[], excess: number): number {
    let freed = 0
    for (let i = this.#head; i < this.#at.length; i++) {
      freed += amounts[i]!
      if (freed >= excess) return this.#at[i]! + MINUTE - now
    }
    const last = this.#at[this.#at.length - 1]
    return last === undefined ? MINUTE : last + MINUTE - now
  }

  #compact(): void {
    this.#at = this.#at.slice(this.#head)
    this.#units = this.#units.slice(this.#head)
    this.#tokens = this.#tokens.slice(this.#head)
    this.#head = 0
  }
}

/** The simulator's quota accounting: a Window per (project, model), nothing shared with keypool. */
export class QuotaLedger {
  readonly #windows = new Map<string, Window>()

  /**
   * Charges the call if it fits under every limit; otherwise charges nothing and returns what
   * it would break.
   */
  take(
    now: number,
    project: string,
    model: string,
    limits: SimLimits,
    cost: { units: number; tokens: number },
  ): QuotaViolation[] {
    const window = this.#window(project, model)
    window.settle(now)
    const violations = window.violations(now, limits, cost.units, cost.tokens)
    if (violations.length === 0) window.charge(now, cost.units, cost.tokens)
    return violations
  }

  usage(now: number, project: string, model: string, limits: SimLimits): SimUsage {
    const window = this.#window(project, model)
    window.settle(now)
    return window.usage(limits)
  }

  #window(project: string, model: string): Window {
    const key = `${project}\u0000${model}`
    let window = this.#windows.get(key)
    if (!window) {
      window = new Window()
      this.#windows.set(key, window)
    }
    return window
  }
}
