import type { Dispatcher } from 'undici'
import type { KeypoolEvents } from '../observe/events.js'
import type { Clock, Timer } from '../util/clock.js'
import type { RuntimeKey } from './key.js'

/** How often a flagged key is tried again with a free call. */
export const PROBE_INTERVAL_MS = 3 * 60_000

export interface KeyProberOptions {
  clock: Clock
  dispatcher: Dispatcher
  upstreamOrigin: string
  upstreamPrefix: string
  events: KeypoolEvents
  /** Called when a probe passed and the key is active again. */
  onRestore: (key: RuntimeKey) => void
  intervalMs?: number
}

/**
 * Flagged keys (design section 6: API disabled, permission denied) leave rotation and are
 * probed with a free `models.get`-style call every few minutes; they return when one passes.
 * Probes read key health only: a budget learned from a 429 is never touched here.
 */
export class KeyProber {
  readonly #options: KeyProberOptions
  readonly #timers = new Map<RuntimeKey, Timer>()
  #stopped = false

  constructor(options: KeyProberOptions) {
    this.#options = options
  }

  /** Starts probing a key that was just flagged (once; a second call changes nothing). */
  watch(key: RuntimeKey): void {
    if (this.#stopped || this.#timers.has(key)) return
    const interval = this.#options.intervalMs ?? PROBE_INTERVAL_MS
    this.#timers.set(
      key,
      this.#options.clock.setTimer(interval, () => void this.#probe(key)),
    )
  }

  stop(): void {
    this.#stopped = true
    for (const timer of this.#timers.values()) timer.cancel()
    this.#timers.clear()
  }

  async #probe(key: RuntimeKey): Promise<void> {
    this.#timers.delete(key)
    if (this.#stopped || key.state !== 'flagged') return
    if (await this.#passes(key)) {
      key.restore(this.#options.clock.now())
      this.#options.events.keyStateChanged({ key: key.id, state: 'active', reason: undefined })
      this.#options.onRestore(key)
      return
    }
    this.watch(key)
  }

  async #passes(key: RuntimeKey): Promise<boolean> {
    const { dispatcher, upstreamOrigin, upstreamPrefix } = this.#options
    try {
      const answer = await dispatcher.request({
        origin: upstreamOrigin,
        path: `${upstreamPrefix}/v1beta/models?pageSize=1`,
        method: 'GET',
        headers: { 'x-goog-api-key': key.secret },
      })
      await answer.body.dump()
      return answer.statusCode === 200
    } catch {
      return false
    }
  }
}
