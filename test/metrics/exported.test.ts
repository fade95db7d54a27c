import t, { type Test } from 'tap'
import { startStack, type Stack } from '../helpers/stack.js'
import { parseScrape, samplesOf, scrape, type Scrape } from './prom-text.js'
import { generate } from './traffic.js'

const TOKEN = 'web-app-token-0123456789'

/** Design section 8, for every part built so far: name → type and label names. */
const DESIGN_METRICS: Record<string, [string, string[]]> = {
  keypool_requests_total: ['counter', ['pool', 'operation', 'model', 'client', 'code']],
  keypool_request_duration_seconds: ['histogram', ['pool', 'operation']],
  keypool_upstream_requests_total: ['counter', ['pool', 'key', 'model', 'code']],
  keypool_upstream_duration_seconds: ['histogram', ['pool', 'operation']],
  keypool_stream_first_byte_seconds: ['histogram', ['pool', 'model']],
  keypool_queue_depth: ['gauge', ['pool', 'priority']],
  keypool_queue_wait_seconds: ['histogram', ['pool', 'priority']],
  keypool_queue_rejections_total: ['counter', ['pool', 'reason']],
  keypool_retries_total: ['counter', ['pool', 'reason']],
  keypool_key_state: ['gauge', ['key', 'state']],
  keypool_budget_state: ['gauge', ['project', 'model', 'state']],
  keypool_budget_remaining: ['gauge', ['project', 'model', 'limit']],
  keypool_budget_limit: ['gauge', ['project', 'model', 'limit']],
  keypool_upstream_rate_limited_total: ['counter', ['key', 'model', 'window']],
  keypool_tokens_total: ['counter', ['pool', 'model', 'client', 'type']],
  keypool_streams_broken_total: ['counter', ['pool', 'reason']],
}

/** A stack with one client, and a model whose tpm of 1 refuses every prompt as too large. */
async function busyStack(t: Test): Promise<{ stack: Stack; metrics: Scrape }> {
  const stack = await startStack(t, {
    config: {
      clients: [{ id: 'web-app', token: TOKEN, tier: 'premium' }],
      limits: [{ models: 'gemini-2.0-flash', tpm: 1 }],
    },
    random: () => 0,
  })
  const { url, sim } = stack
  const ok = (answer: { status: number }, what: string) => t.equal(answer.status, 200, what)
  ok(await generate(url, { token: TOKEN }), 'a plain call')
  ok(await generate(url, { token: TOKEN, stream: true }), 'a streamed call')
  sim.faults.add({ kind: 'status', preset: 'overloaded', count: 1 })
  ok(await generate(url, { token: TOKEN }), 'a call retried after a 503')
  sim.faults.add({ kind: 'status', preset: 'perMinute', count: 1 })
  ok(await generate(url, { token: TOKEN }), 'a call retried after a per-minute 429')
  sim.faults.add({ kind: 'streamCut', afterChunks: 1, count: 1 })
  await generate(url, { token: TOKEN, stream: true })
  const tooLarge = await generate(url, { token: TOKEN, model: 'gemini-2.0-flash' })
  t.equal(tooLarge.status, 429, 'a call larger than a whole limit')
  return { stack, metrics: await scrape(url) }
}

t.test(
  'every design-8 metric built so far appears after traffic with its type and labels',
  async (t) => {
    const { metrics } = await busyStack(t)
    for (const [name, [type, labels]] of Object.entries(DESIGN_METRICS)) {
      t.equal(metrics.types.get(name), type, `${name} is a ${type}`)
      const samples = samplesOf(metrics, name)
      t.ok(samples.length > 0, `${name} has samples`)
      for (const sample of samples) {
        t.same(Object.keys(sample.labels).sort(), [...labels].sort(), `${name} labels`)
      }
    }
  },
)

t.test('metrics name what happened: clients, codes, retries, 429 windows, breaks', async (t) => {
  const { metrics } = await busyStack(t)
  const has = (name: string, labels: Record<string, string>) =>
    samplesOf(metrics, name).some(
      (s) => s.value > 0 && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
  t.ok(has('keypool_requests_total', { client: 'web-app', code: '200', model: 'gemini-2.5-flash' }))
  t.ok(has('keypool_requests_total', { code: '429', model: 'gemini-2.0-flash' }))
  t.ok(has('keypool_retries_total', { reason: 'server-error' }))
  t.ok(has('keypool_retries_total', { reason: 'rate-limited' }))
  t.ok(has('keypool_upstream_rate_limited_total', { window: 'minute' }))
  t.ok(has('keypool_budget_state', { state: 'cooling' }))
  t.ok(has('keypool_queue_rejections_total', { reason: 'too-large' }))
  t.ok(has('keypool_streams_broken_total', { reason: 'truncated' }))
  t.ok(has('keypool_tokens_total', { client: 'web-app', type: 'prompt' }))
  t.ok(has('keypool_key_state', { key: 'alpha-1', state: 'active' }))
  t.ok(has('keypool_budget_limit', { model: 'gemini-2.5-flash', limit: 'rpm' }))
})

t.test('process metrics carry the keypool_ prefix and unbuilt parts export nothing', async (t) => {
  const stack = await startStack(t)
  const metrics = await scrape(stack.url)
  t.ok(metrics.types.has('keypool_process_cpu_user_seconds_total'))
  t.ok(metrics.types.has('keypool_nodejs_eventloop_lag_seconds'))
  const names = [...metrics.types.keys()]
  t.same(
    names.filter((name) => !name.startsWith('keypool_')),
    [],
    'every name is prefixed',
  )
  for (const later of ['cache_lookups_total', 'state_store_up', 'config_reloads_total']) {
    t.notOk(metrics.types.has(`keypool_${later}`), `keypool_${later} waits for its part`)
  }
})

t.test('the request log and the request counter count the same calls', async (t) => {
  const { stack, metrics } = await busyStack(t)
  const total = (name: string) => samplesOf(metrics, name).reduce((sum, s) => sum + s.value, 0)
  const lines = (msg: string) => stack.logs.filter((line) => line.msg === msg).length
  t.equal(total('keypool_requests_total'), lines('request'))
  t.equal(total('keypool_retries_total'), lines('retry on another key'))
  t.equal(total('keypool_streams_broken_total'), lines('stream broken'))
  t.ok(parseScrape(metrics.text).samples.length > 0)
})
