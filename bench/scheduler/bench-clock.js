/**
 * Time for the scheduler micro-benchmark: it moves only when told, and its timers never fire.
 * The benchmark drives the scheduler through `settle` (which serves waiting calls), so the
 * deadline timers of 10,000 waiting calls cost an object each and nothing more, as in a real
 * process where they sit in libuv's timer list until cancelled.
 */
export class BenchClock {
  realMsPerMs = 1
  #now = Date.UTC(2026, 0, 15, 12, 0, 0)

  now() {
    return this.#now
  }

  advance(ms) {
    this.#now += ms
  }

  setTimer() {
    return NEVER_FIRES
  }
}

const NEVER_FIRES = { cancel() {} }
