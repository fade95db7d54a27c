import { Counter, type Registry } from 'prom-client'
import { LabelTree } from './label-tree.js'

/** One series of a counter: a plain number that the hot path adds to. */
export class CounterSeries {
  readonly labels: Readonly<Record<string, string>>
  #value = 0

  constructor(labels: Readonly<Record<string, string>>) {
    this.labels = labels
  }

  get value(): number {
    return this.#value
  }

  inc(by = 1): void {
    this.#value += by
  }
}

/**
 * A counter whose series count in plain numbers and reach prom-client only when Prometheus
 * scrapes. prom-client's own `inc` validates and hashes its labels on every call (about a
 * microsecond); here an event costs a few Map lookups and an addition.
 */
export class CounterFamily {
  readonly #series: CounterSeries[] = []
  readonly #tree: LabelTree<CounterSeries>

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    this.#tree = new LabelTree((values) => {
      const labels = Object.fromEntries(labelNames.map((label, i) => [label, values[i] ?? '']))
      const series = new CounterSeries(labels)
      this.#series.push(series)
      return series
    })
    const all = this.#series
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset()
        for (const series of all) this.inc(series.labels, series.value)
      },
    })
  }

  /** The series for these label values, in `labelNames` order. */
  of(...values: string[]): CounterSeries {
    return this.#tree.of(...values)
  }
}
