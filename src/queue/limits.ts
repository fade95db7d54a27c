/**
 * The bounds on waiting calls. The scheduler keeps one FairQueue per (pool, model), so the
 * pool's bound (`queue.maxSize`) is counted here across them, and the bodies held while
 * waiting (`queue.maxBytes`) across every pool. Admission and release are paired: the
 * scheduler releases exactly what it admitted when the call leaves its queue, served or not.
 */

/** Request bodies held by waiting calls, all pools together. One per process. */
export class HeldBytesLimit {
  readonly maxBytes: number
  /** Invariant: the sum of the bytes admitted and not yet released; never above `maxBytes`. */
  #held = 0

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  get held(): number {
    return this.#held
  }

  canHold(bytes: number): boolean {
    return this.#held + bytes <= this.maxBytes
  }

  hold(bytes: number): void {
    this.#held += bytes
  }

  release(bytes: number): void {
    if (bytes > this.#held) {
      throw new RangeError(`released ${bytes} bytes but only ${this.#held} are held`)
    }
    this.#held -= bytes
  }
}

/** Why a call was not let into the queue: the config option whose bound it would break. */
export type QueueLimitName = 'maxSize' | 'maxBytes'

export type Admission =
  { readonly admitted: true } | { readonly admitted: false; readonly limit: QueueLimitName }

export interface QueueLimitsOptions {
  /** `queue.maxSize`: calls waiting in this pool, all models together. */
  readonly maxSize: number
  /** The process-wide `queue.maxBytes` counter, shared by every pool's QueueLimits. */
  readonly heldBytes: HeldBytesLimit
}

/** One pool's bound on waiting calls, and its share of the held-bytes bound. */
export class QueueLimits {
  readonly maxSize: number
  readonly #heldBytes: HeldBytesLimit
  /** Invariant: calls admitted and not yet released; never above `maxSize`. */
  #size = 0

  constructor(options: QueueLimitsOptions) {
    this.maxSize = options.maxSize
    this.#heldBytes = options.heldBytes
  }

  /** Calls of this pool now waiting. */
  get size(): number {
    return this.#size
  }

  get heldBytes(): number {
    return this.#heldBytes.held
  }

  /** Counts the call in when both bounds allow it; otherwise nothing changes. */
  tryAdmit(bytes: number): Admission {
    if (this.#size >= this.maxSize) return { admitted: false, limit: 'maxSize' }
    if (!this.#heldBytes.canHold(bytes)) return { admitted: false, limit: 'maxBytes' }

    this.#size++
    this.#heldBytes.hold(bytes)
    return { admitted: true }
  }

  /** Counts out a call admitted with `bytes`, when it leaves the queue for any reason. */
  release(bytes: number): void {
    if (this.#size === 0) throw new RangeError('released a call that was never admitted')
    this.#heldBytes.release(bytes)
    this.#size--
  }
}
