import { ApiError } from '@google/genai'
import t from 'tap'
import { classifyError } from '../../src/demo/call-result.js'
import { percentile } from '../../src/demo/percentile.js'
import { buildScenario } from '../../src/demo/scenario.js'
import { describeScale, formatDemoTime } from '../../src/demo/time-scale.js'

t.test('the same seed plans the same traffic, and every client asks equally', async (t) => {
  const plan = (seed: number) => buildScenario({ scale: 12, calls: 360, seed }).questions
  const shape = (seed: number) => plan(seed).map((q) => [q.client.id, q.atMs, q.isStreamed])
  t.same(shape(7), shape(7), 'seed 7 twice')
  t.not(JSON.stringify(shape(7)), JSON.stringify(shape(8)), 'seed 8 differs')

  const perClient = new Map<string, number>()
  for (const q of plan(1)) perClient.set(q.client.id, (perClient.get(q.client.id) ?? 0) + 1)
  t.same([...perClient.values()], [30, 30, 30, 30, 30, 30], '180 questions, 30 per client')
})

t.test('a third of the questions come at once, twice what the generate budget takes', async (t) => {
  const scenario = buildScenario({ scale: 12, calls: 360, seed: 1 })
  const burst = scenario.questions.filter((q) => q.atMs < 2_000).length
  t.ok(burst >= 60, `${burst} questions in the first 2 s`)
  t.equal(scenario.generatePerMinute, 30, '10 rpm in each of 3 projects')
})

t.test('each run makes its own client tokens', async (t) => {
  const tokens = () => buildScenario({ scale: 12, calls: 12, seed: 1 }).clients.map((c) => c.token)
  t.not(tokens()[0], tokens()[0])
})

t.test('the scale and demo times read the way the header and table print them', async (t) => {
  t.equal(describeScale(12), '1 minute = 5 seconds')
  t.equal(describeScale(120), '1 minute = 0.5 seconds')
  t.equal(describeScale(60), '1 minute = 1 second')
  t.equal(formatDemoTime(400), '0.4s')
  t.equal(formatDemoTime(42_300), '42s')
  t.equal(formatDemoTime(65_000), '1m05s')
  t.equal(formatDemoTime(119_700), '2m00s', 'never 1m60s')
})

t.test('a percentile is a value that was seen (nearest rank)', async (t) => {
  t.equal(percentile([5, 1, 3, 2, 4], 50), 3)
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10)
  t.ok(Number.isNaN(percentile([], 50)))
})

t.test("keypool's own 429 and 504 are refusals, an upstream error is a failure", async (t) => {
  const body = (status: number, details: object[]) =>
    new ApiError({ status, message: JSON.stringify({ error: { code: status, details } }) })
  const info = (reason: string) => ({
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    domain: 'keypool',
    reason,
  })
  const quota = {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [{ quotaId: 'keypool.WaitTooLong' }],
  }
  t.same(classifyError(body(429, [info('WAIT_TOO_LONG'), quota])), {
    kind: 'refused',
    reason: 'WaitTooLong',
  })
  t.same(classifyError(body(504, [info('QUEUE_TIMEOUT')])), {
    kind: 'refused',
    reason: 'QueueTimeout',
  })
  const google = { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', domain: 'googleapis.com' }
  t.equal(classifyError(body(429, [google])).kind, 'failed', "Google's 429 passed on")
  t.equal(classifyError(body(500, [info('INTERNAL')])).kind, 'failed', "keypool's own 500")
  t.equal(classifyError(new TypeError('fetch failed')).kind, 'failed')
})
