import { Histogram, type Registry } from 'prom-client'
import { LabelTree } from './label-tree.js'

/** One series of a histogram: counts per bucket in plain numbers, summed up at scrape time. */
export class HistogramSeries {
  readonly labels: Readonly<Record<string, string>>
  /** Observations per bucket, not cumulative; the last slot is `+Inf`. */
  readonly counts: Float64Array
  sum = 0
  count = 0
  readonly #bounds: readonly number[]

  constructor(labels: Readonly<Record<string, string>>, bounds: readonly number[]) {
    this.labels = labels
    this.#bounds = bounds
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(value: number): void {
    const bounds = this.#bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }
}

interface Sample {
  metricName: string
  labels: Record<string, string | number>
  value: number
}

/**
 * A histogram whose series count in plain numbers and reach prom-client only when Prometheus
 * scrapes, like CounterFamily. prom-client's own `observe` validates and hashes its labels and
 * looks its series up by a string key on every call: four observations a call were 3 % of
 * keypool's CPU in `npm run bench`.
 *
 * It is a prom-client Histogram to the registry, and answers the registry's reads (`get` and
 * the untyped `getForPromString` that `metrics()` prefers) from its series. A prom-client
 * upgrade that reads histograms another way would show as empty histograms, which
 * test/metrics/histogram-family.test.ts catches.
 */
export class HistogramFamily {
  readonly #tree: LabelTree<HistogramSeries>

  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    const bounds = [...buckets].sort((a, b) => a - b)
    const all: HistogramSeries[] = []
    this.#tree = new LabelTree((values) => {
      const labels = Object.fromEntries(labelNames.map((label, i) => [label, values[i] ?? '']))
      const series = new HistogramSeries(labels, bounds)
      all.push(series)
      return series
    })
    new SeriesHistogram(
      { name, help, labelNames: [...labelNames], buckets: bounds, registers: [registry] },
      () => samples(name, bounds, all),
    )
  }

  /** The series for these label values, in `labelNames` order. */
  of(...values: string[]): HistogramSeries {
    return this.#tree.of(...values)
  }
}

/** What the registry reads: prom-client's Histogram with its values taken from the series. */
class SeriesHistogram extends Histogram {
  readonly #name: string
  readonly #help: string
  readonly #samples: () => Sample[]

  constructor(
    configuration: ConstructorParameters<typeof Histogram>[0],
    readSamples: () => Sample[],
  ) {
    super(configuration)
    this.#name = configuration.name
    this.#help = configuration.help
    this.#samples = readSamples
  }

  override get(): ReturnType<Histogram['get']> {
    // prom-client's typings name the type with an enum; at run time it is this string.
    const metric = {
      name: this.#name,
      help: this.#help,
      type: 'histogram',
      aggregator: 'sum',
      values: this.#samples(),
    }
    return Promise.resolve(metric as unknown as Awaited<ReturnType<Histogram['get']>>)
  }

  getForPromString(): ReturnType<Histogram['get']> {
    return this.get()
  }
}

/** prom-client's shape: cumulative `_bucket` samples with `le`, then `_sum` and `_count`. */
function samples(name: string, bounds: readonly number[], all: readonly HistogramSeries[]) {
  const out: Sample[] = []
  for (const series of all) {
    let cumulative = 0
    for (let i = 0; i <= bounds.length; i++) {
      cumulative += series.counts[i]!
      const le = i < bounds.length ? bounds[i]! : '+Inf'
      out.push({
        metricName: `${name}_bucket`,
        labels: { ...series.labels, le },
        value: cumulative,
      })
    }
    out.push({ metricName: `${name}_sum`, labels: { ...series.labels }, value: series.sum })
    out.push({ metricName: `${name}_count`, labels: { ...series.labels }, value: series.count })
  }
  return out
}
