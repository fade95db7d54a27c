import { collectDefaultMetrics, Counter, Registry } from 'prom-client'
import { droppedLogLineCount } from '../log/logger.js'

/** Every metric keypool exports starts with this (design section 8). */
export const METRIC_PREFIX = 'keypool_'

/**
 * Node's process metrics (CPU, memory, event loop lag, GC) describe the process, not one
 * keypool in it, and prom-client starts a monitor and a GC observer each time they are set up.
 * So they live in one registry per process, made on first use, and every keypool's own
 * registry is rendered after it: tests that start many keypools start the monitors once.
 */
let processRegistry: Registry | undefined

function processMetrics(): Registry {
  if (processRegistry) return processRegistry
  processRegistry = new Registry()
  collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX })
  registerDroppedLogLines(processRegistry)
  return processRegistry
}

/** The metrics of one keypool: its own registry plus the process's, as one scrape. */
export class MetricsRegistry {
  /** keypool's own metrics; the observer and the scrape-time collectors register here. */
  readonly registry = new Registry()

  constructor() {
    processMetrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** The Prometheus text format of both registries (their metric names never overlap). */
  async metrics(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()])
    return `${own}\n${process}`
  }
}

/**
 * Log lines dropped because stdout stalled (case C17): not in the design's table, a process
 * metric like the others here, read when scraped.
 */
function registerDroppedLogLines(register: Registry): void {
  new Counter({
    name: `${METRIC_PREFIX}log_lines_dropped_total`,
    help: 'Log lines dropped because stdout could not take them',
    registers: [register],
    collect() {
      this.reset()
      this.inc(droppedLogLineCount())
    },
  })
}
