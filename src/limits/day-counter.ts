import { nextPacificMidnight } from './pacific-day.js'

/** Requests per Pacific day (rpd): a counter that empties at each midnight America/Los_Angeles. */
export class DayCounter {
  /** Requests allowed per day; Infinity when there is no daily limit. */
  #limit: number
  /** Requests taken since the start of the day that ends at `#dayEnd`. */
  #used = 0
  /** The midnight that empties `#used`; -Infinity before the first use. */
  #dayEnd = -Infinity

  constructor(limit: number) {
    this.#limit = limit
  }

  get limit(): number {
    return this.#limit
  }

  setLimit(limit: number): void {
    this.#limit = limit
  }

  used(now: number): number {
    this.#roll(now)
    return this.#used
  }

  left(now: number): number {
    return Math.max(0, this.#limit - this.used(now))
  }

  take(requests: number, now: number): void {
    this.#roll(now)
    this.#used += requests
  }

  /** `now` when `requests` fit today, else the next midnight; Infinity beyond the whole limit. */
  nextFitAt(requests: number, now: number): number {
    if (requests > this.#limit) return Infinity
    this.#roll(now)
    return this.#used + requests <= this.#limit ? now : this.#dayEnd
  }

  /** The midnight that ends the day holding `now`. */
  resetsAt(now: number): number {
    this.#roll(now)
    return this.#dayEnd
  }

  /** A clock step back across midnight keeps the later day's count: never fewer than taken. */
  #roll(now: number): void {
    if (now < this.#dayEnd) return
    this.#used = 0
    this.#dayEnd = nextPacificMidnight(now)
  }
}
