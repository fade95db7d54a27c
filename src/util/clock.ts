/**
 * Time, injected. Windows, cooldowns, deadlines and backoff read `now()` and arm timers through
 * a Clock so that tests move time instead of sleeping, and the demo can run at a declared scale.
 */
export interface Timer {
  cancel(): void
}

export interface Clock {
  /** Milliseconds since the Unix epoch, in this clock's time. */
  now(): number
  /** Runs `fn` once `ms` of this clock's time have passed. */
  setTimer(ms: number, fn: () => void): Timer
  /** How many real milliseconds one millisecond of this clock's time takes (1 for real time). */
  readonly realMsPerMs: number
}

/**
 * A Node timer that keeps no process alive. A class, not an object literal with a `cancel`
 * arrow: each of up to 10,000 waiting calls holds one, and the class shares its method.
 */
class UnrefTimer implements Timer {
  readonly #handle: NodeJS.Timeout

  constructor(ms: number, fn: () => void) {
    this.#handle = setTimeout(fn, Math.max(0, ms))
    this.#handle.unref()
  }

  cancel(): void {
    clearTimeout(this.#handle)
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => new UnrefTimer(ms, fn),
  realMsPerMs: 1,
}

/**
 * Real time running `speed` times faster, starting at `start`. The demo uses it so that one
 * minute of quota passes in a few real seconds for the simulator and keypool alike.
 */
export class ScaledClock implements Clock {
  readonly #origin = Date.now()
  readonly #start: number
  readonly #speed: number

  constructor(speed: number, start = Date.now()) {
    this.#speed = speed
    this.#start = start
  }

  get realMsPerMs(): number {
    return 1 / this.#speed
  }

  now(): number {
    return this.#start + (Date.now() - this.#origin) * this.#speed
  }

  setTimer(ms: number, fn: () => void): Timer {
    return new UnrefTimer(ms / this.#speed, fn)
  }
}

interface PendingTimer {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/**
 * A clock that moves only when told. Timers fire in time order during `advance`, each seeing
 * `now()` equal to its own due time.
 */
export class ManualClock implements Clock {
  #now: number
  #seq = 0
  #timers: PendingTimer[] = []
  readonly realMsPerMs = 0

  constructor(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer: PendingTimer = {
      at: this.#now + Math.max(0, ms),
      seq: this.#seq++,
      fn,
      cancelled: false,
    }
    this.#timers.push(timer)
    return { cancel: () => (timer.cancelled = true) }
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms
    for (;;) {
      const next = this.#nextDue(target)
      if (!next) break
      this.#now = Math.max(this.#now, next.at)
      next.cancelled = true
      next.fn()
    }
    this.#now = target
    this.#timers = this.#timers.filter((t) => !t.cancelled)
  }

  /** Sets the time to an absolute instant (never backwards), firing timers on the way. */
  set(epochMs: number): void {
    this.advance(Math.max(0, epochMs - this.#now))
  }

  /** Number of timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  #nextDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined
    for (const t of this.#timers) {
      if (t.cancelled || t.at > limit) continue
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t
    }
    return best
  }
}

/** Clock milliseconds for a span of real time; a manual clock does not move with real time. */
export function toClockMs(clock: Clock, realMs: number): number {
  return clock.realMsPerMs > 0 ? realMs / clock.realMsPerMs : 0
}

/** Real milliseconds for a span of the clock's time; a manual clock's spans count as real. */
export function toRealMs(clock: Clock, ms: number): number {
  return clock.realMsPerMs > 0 ? ms * clock.realMsPerMs : ms
}
