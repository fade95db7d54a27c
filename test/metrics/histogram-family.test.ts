import { Histogram, Registry } from 'prom-client'
import t from 'tap'
import { HistogramFamily } from '../../src/metrics/histogram-family.js'
import { parseScrape } from './prom-text.js'

const BUCKETS = [0.01, 0.1, 1, 10]
/** Values on, between, below and beyond the bounds, for two label tuples. */
const OBSERVED: Array<[string, string, number]> = [
  ['main', 'generate', 0.005],
  ['main', 'generate', 0.01],
  ['main', 'generate', 0.5],
  ['main', 'generate', 1],
  ['main', 'generate', 42],
  ['embed', 'embed', 0.02],
  ['embed', 'embed', 0.02],
]

/** The scrape's samples as sorted, comparable lines (label order aside). */
async function samples(registry: Registry): Promise<string[]> {
  const scrape = parseScrape(await registry.metrics())
  return scrape.samples
    .map((s) => {
      const labels = Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b))
      return `${s.name}${JSON.stringify(labels)} ${s.value}`
    })
    .sort()
}

void t.test('a family scrapes exactly as prom-client histogram would', async (t) => {
  const ours = new Registry()
  const family = new HistogramFamily(ours, 'x_seconds', 'help', ['pool', 'operation'], BUCKETS)
  const theirs = new Registry()
  const reference = new Histogram({
    name: 'x_seconds',
    help: 'help',
    labelNames: ['pool', 'operation'],
    buckets: BUCKETS,
    registers: [theirs],
  })
  for (const [pool, operation, value] of OBSERVED) {
    family.of(pool, operation).observe(value)
    reference.labels(pool, operation).observe(value)
  }

  const expected = await samples(theirs)
  t.ok(expected.length > 0)
  t.same(await samples(ours), expected)
  const text = await ours.metrics()
  t.match(text, /^# TYPE x_seconds histogram$/m)
  t.match(text, /^x_seconds_bucket\{pool="main",operation="generate",le="\+Inf"\} 5$/m)
})

void t.test('a family reads as JSON like prom-client histogram too', async (t) => {
  const registry = new Registry()
  const family = new HistogramFamily(registry, 'y_seconds', 'help', ['pool'], BUCKETS)
  family.of('main').observe(0.5)
  const [metric] = await registry.getMetricsAsJSON()
  t.equal(metric?.name, 'y_seconds')
  const values = (metric?.values ?? []) as Array<{
    metricName?: string
    labels: object
    value: number
  }>
  const count = values.find((v) => v.metricName === 'y_seconds_count')
  t.same(count?.labels, { pool: 'main' })
  t.equal(count?.value, 1)
})
