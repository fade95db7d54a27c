import type { Config } from '../config/schema.js'
import type { KeypoolEvents } from '../observe/events.js'
import type { Clock } from '../util/clock.js'
import { LabelBounds } from './label-bounds.js'
import { metricsObserver } from './metrics-observer.js'
import { MetricsRegistry } from './registry.js'
import { registerStateCollectors } from './state-collectors.js'
import type { StateView } from './state-view.js'

/**
 * The metrics of one keypool, in the two halves of its start: the event observer exists before
 * the server (the scheduler and proxy report to it), the state gauges once the keys, budgets and
 * queues they read exist.
 */
export class KeypoolMetrics {
  readonly registry = new MetricsRegistry()
  readonly events: KeypoolEvents
  readonly #config: Config

  constructor(config: Config) {
    this.#config = config
    this.events = metricsObserver(this.registry.registry, new LabelBounds(config))
  }

  /** Registers the scrape-time gauges (keys, budgets, queue depth); call once. */
  watch(view: StateView, clock: Clock): void {
    const priorities = Object.values(this.#config.tiers).map((tier) => tier.priority)
    registerStateCollectors(this.registry.registry, { view, clock, priorities })
  }
}
