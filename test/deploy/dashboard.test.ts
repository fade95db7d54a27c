import t from 'tap'
import { readFileSync } from 'node:fs'
import { startStack } from '../helpers/stack.js'
import { metricOf, scrape } from '../metrics/prom-text.js'
import { generate } from '../metrics/traffic.js'

interface Panel {
  id: number
  title: string
  type: string
  datasource?: { uid: string }
  targets?: Array<{ expr: string }>
  panels?: Panel[]
}

interface Dashboard {
  uid: string
  panels: Panel[]
  templating: { list: Array<{ name: string; definition?: string }> }
}

const dashboard = JSON.parse(readFileSync('grafana/dashboards/keypool.json', 'utf8')) as Dashboard
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])])

/** Every PromQL expression the dashboard runs: panel targets and template variable queries. */
function expressions(): string[] {
  const targets = panels.flatMap((p) => (p.targets ?? []).map((target) => target.expr))
  const variables = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))
  return [...targets, ...variables]
}

t.test('every metric the dashboard queries is exported by a running keypool', async (t) => {
  const named = new Set(expressions().flatMap((expr) => expr.match(/\bkeypool_[a-z0-9_]+/g) ?? []))
  t.ok(named.size >= 15, `${named.size} metrics queried`)

  const stack = await startStack(t)
  t.equal((await generate(stack.url)).status, 200)
  t.equal((await generate(stack.url, { stream: true })).status, 200)
  const { types } = await scrape(stack.url)
  for (const name of named) t.ok(types.has(metricOf(name, types)), name)
})

t.test('the dashboard has the panels the issue asks for', async (t) => {
  const titles = panels.map((p) => p.title)
  const wanted = [
    'Request rate by code',
    'Errors by code and model',
    'Latency percentiles',
    'Queue depth',
    'Queue wait',
    'Budget remaining per project and model',
    'Key states',
    'Upstream 429s by window',
    'Tokens per model and client',
    'Retries',
    'Streams broken',
  ]
  for (const title of wanted) t.ok(titles.includes(title), title)
})

t.test('every panel queries the data source chosen in the dashboard', async (t) => {
  const ids = panels.map((p) => p.id)
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique')
  for (const panel of panels.filter((p) => p.type !== 'row')) {
    t.equal(panel.datasource?.uid, '${datasource}', panel.title)
  }
  t.ok(dashboard.templating.list.some((v) => v.name === 'datasource'))
})
