/**
 * A sliding window of units, for rpm and tpm (design section 3, "Limits"): units taken at t come
 * back at exactly t + windowMs. No interval of windowMs ever holds more than the limit, and a
 * burst up to the limit passes at once.
 *
 * The takes sit in a ring buffer of (time, units) pairs in time order, equal times coalesced, so
 * take and expiry are O(1) amortised and the buffer never holds more entries than distinct
 * take times inside one window. It shrinks again after a burst.
 */

export const MINUTE_MS = 60_000

const MIN_CAPACITY = 8

export class SlidingWindow {
  readonly windowMs: number
  /** Units allowed in any interval of `windowMs`; Infinity when there is no limit. */
  #limit: number
  /**
   * Ring buffer; logical entry i (0 = oldest) sits at `(#head + i) & (capacity - 1)`. Capacity
   * is a power of two. Times never decrease from oldest to newest, and no two are equal.
   */
  #times: Float64Array
  #units: Float64Array
  #head = 0
  #count = 0
  /** Sum of the units of the entries held (expired ones are dropped before any read). */
  #used = 0
  /**
   * The latest `now` seen. Time never runs backwards inside a window: an earlier `now` (a clock
   * step) is read as this one, so a take is never recorded before one already expired.
   */
  #latest = -Infinity

  constructor(limit: number, windowMs = MINUTE_MS) {
    this.#limit = limit
    this.windowMs = windowMs
    this.#times = new Float64Array(MIN_CAPACITY)
    this.#units = new Float64Array(MIN_CAPACITY)
  }

  get limit(): number {
    return this.#limit
  }

  /** A config reload may change the limit; units already taken stay where they are. */
  setLimit(limit: number): void {
    this.#limit = limit
  }

  /** Units taken in the window that ends at `now`. */
  used(now: number): number {
    this.#expire(this.#advance(now))
    return this.#used
  }

  /** Units still free at `now` (never negative, even after an upward correction). */
  left(now: number): number {
    return Math.max(0, this.#limit - this.used(now))
  }

  canTake(units: number, now: number): boolean {
    return this.used(now) + units <= this.#limit
  }

  /**
   * Records `units` at `now` without checking the limit (the caller checked with `canTake` or
   * `nextFitAt`). Returns the time the units were recorded at, which `adjust` needs later.
   */
  take(units: number, now: number): number {
    const at = this.#advance(now)
    this.#expire(at)
    this.#used += units
    if (this.#count > 0 && this.#timeAt(this.#count - 1) === at) {
      this.#units[this.#slot(this.#count - 1)]! += units
      return at
    }
    if (this.#count === this.#times.length) this.#resize(this.#times.length * 2)
    const slot = this.#slot(this.#count)
    this.#times[slot] = at
    this.#units[slot] = units
    this.#count++
    return at
  }

  /**
   * The earliest time at or after `now` when `units` fit, if nothing else is taken meanwhile:
   * `now` when they fit already, Infinity when they exceed the whole limit.
   */
  nextFitAt(units: number, now: number): number {
    if (units > this.#limit) return Infinity
    const at = this.#advance(now)
    this.#expire(at)
    let excess = this.#used + units - this.#limit
    if (excess <= 0) return now
    for (let i = 0; i < this.#count; i++) {
      excess -= this.#units[this.#slot(i)]!
      if (excess <= 0) return this.#timeAt(i) + this.windowMs
    }
    return this.#newestReturn()
  }

  /** When the oldest units held come back; undefined when the window is empty at `now`. */
  nextReturnAt(now: number): number | undefined {
    this.#expire(this.#advance(now))
    return this.#count === 0 ? undefined : this.#timeAt(0) + this.windowMs
  }

  /**
   * Corrects a past take recorded at `takenAt` by `delta` units (the tpm estimate against
   * `usageMetadata`: up or down). A take already expired needs no correction: its units are
   * back either way. An entry never goes below zero. Returns whether an entry was corrected.
   */
  adjust(takenAt: number, delta: number): boolean {
    const index = this.#find(takenAt)
    if (index === -1) return false
    const slot = this.#slot(index)
    const before = this.#units[slot]!
    const after = Math.max(0, before + delta)
    this.#units[slot] = after
    this.#used += after - before
    return true
  }

  #advance(now: number): number {
    if (now > this.#latest) this.#latest = now
    return this.#latest
  }

  #expire(now: number): void {
    const horizon = now - this.windowMs
    while (this.#count > 0 && this.#times[this.#head]! <= horizon) {
      this.#used -= this.#units[this.#head]!
      this.#head = (this.#head + 1) & (this.#times.length - 1)
      this.#count--
    }
    if (this.#count === 0) this.#used = 0
    const capacity = this.#times.length
    if (capacity > MIN_CAPACITY && this.#count * 4 <= capacity) this.#resize(capacity / 2)
  }

  /** Binary search for the entry recorded at exactly `time`; -1 when there is none. */
  #find(time: number): number {
    let low = 0
    let high = this.#count - 1
    while (low <= high) {
      const mid = (low + high) >>> 1
      const value = this.#timeAt(mid)
      if (value === time) return mid
      if (value < time) low = mid + 1
      else high = mid - 1
    }
    return -1
  }

  #resize(capacity: number): void {
    const times = new Float64Array(capacity)
    const units = new Float64Array(capacity)
    for (let i = 0; i < this.#count; i++) {
      times[i] = this.#timeAt(i)
      units[i] = this.#units[this.#slot(i)]!
    }
    this.#times = times
    this.#units = units
    this.#head = 0
  }

  #newestReturn(): number {
    return this.#count === 0 ? this.#latest : this.#timeAt(this.#count - 1) + this.windowMs
  }

  #slot(index: number): number {
    return (this.#head + index) & (this.#times.length - 1)
  }

  #timeAt(index: number): number {
    return this.#times[this.#slot(index)]!
  }
}
