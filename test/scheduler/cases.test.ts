import t from 'tap'
import type { RetryReason } from '../../src/observe/events.js'
import { noEvents } from '../../src/observe/events.js'
import { ManualClock, systemClock } from '../../src/util/clock.js'
import { generate, send } from '../helpers/http.js'
import { startStack } from '../helpers/stack.js'
import { maxInWindow, waitFor } from '../helpers/wait.js'

const MODEL = 'gemini-2.5-flash'
const COUNT = Number(process.env.C19_COUNT ?? 200)

t.test(
  'C04: a 5 s storm of per-minute 429s on five keys leaves every key active and every call answered',
  async (t) => {
    const clock = new ManualClock()
    const limit = { models: MODEL, rpm: 100, tpm: 1_000_000, rpd: 10_000 }
    const keys = [
      { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
      { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
      { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
      { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
      { id: 'delta-1', key: 'sim-key-delta-1', project: 'delta' },
    ]
    const stack = await startStack(t, {
      clock,
      sim: { limits: [limit] },
      config: { keys, limits: [limit], pools: { main: { keys: keys.map((k) => k.id) } } },
    })
    stack.sim.faults.add({
      kind: 'status',
      preset: 'perMinute',
      retryDelay: '5s',
      until: clock.now() + 5000,
    })

    const calls = Array.from({ length: 100 }, (_, i) => generate(stack.url, MODEL, `burst ${i}`))
    await waitFor(
      () => stack.keypool.scheduler.queueDepths()[0]!.depth + stack.sim.calls.length >= 100,
      'every call to have tried once or to wait',
    )
    await waitFor(
      () => stack.keypool.inFlight === stack.keypool.scheduler.queueDepths()[0]!.depth,
      'every call still in flight to be waiting for the storm to pass',
    )
    clock.advance(5000)
    const answers = await Promise.all(calls)

    const statuses = answers.map((a) => a.status)
    t.ok(
      statuses.every((s) => s === 200 || s === 429),
      'each call ends with an answer or a 429',
    )
    // A call whose every attempt met the storm gets keypool's own 429, saying when to return.
    const refused = answers.filter((a) => a.status === 429)
    t.ok(
      refused.every((a) => a.json.error.details[0].domain === 'keypool'),
      "every 429 is keypool's own: no upstream 429 reaches a client",
    )
    t.ok(
      refused.every((a) => Number(a.headers.get('retry-after')) >= 1),
      'each says when',
    )
    t.ok(statuses.filter((s) => s === 200).length >= 90, 'the calls that waited were served')
    t.ok(
      stack.keypool.keys.every((k) => k.state === 'active'),
      'no key disabled or flagged',
    )
    const states = stack.keypool.store.snapshot(clock.now()).map((b) => b.state)
    t.ok(
      states.every((s) => s === 'ok' || s === 'cooling'),
      `budgets are ok or cooling (${states.join(',')})`,
    )
  },
)

t.test(
  'C08: two keys of one project at 15 rpm send 15 calls in a minute, not 30; the rest wait',
  async (t) => {
    const clock = new ManualClock()
    const limit = { models: MODEL, rpm: 15, tpm: 1_000_000, rpd: 10_000 }
    const keys = [
      { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
      { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
    ]
    const stack = await startStack(t, {
      clock,
      sim: { limits: [limit] },
      config: { keys, limits: [limit], pools: { main: { keys: ['alpha-1', 'alpha-2'] } } },
    })
    const calls = Array.from({ length: 20 }, (_, i) => generate(stack.url, MODEL, `call ${i}`))
    await waitFor(() => stack.sim.calls.length === 15, '15 calls upstream')
    await waitFor(() => stack.keypool.scheduler.queueDepths()[0]!.depth === 5, '5 calls waiting')
    t.same(
      new Set(stack.sim.calls.map((c) => c.key)),
      new Set(['sim-key-alpha-1', 'sim-key-alpha-2']),
      'both keys served',
    )
    clock.advance(60_000)
    const answers = await Promise.all(calls)
    t.ok(answers.every((a) => a.status === 200))
    t.equal(maxInWindow(stack.sim.calls.map((c) => c.at)), 15, 'at most 15 in any 60 s')
    t.equal(stack.sim.calls.filter((c) => c.overLimit).length, 0)
  },
)

t.test(
  'C13: a generate call whose answer was lost is not resent; countTokens and embed are',
  async (t) => {
    const stack = await startStack(t, {
      config: { retry: { maxAttempts: 3, backoff: { base: '1ms', max: '2ms' } } },
    })
    stack.sim.faults.add({ kind: 'dropAfterBody', operation: 'generate', count: 1 })
    const lost = await generate(stack.url, MODEL)
    t.equal(lost.status, 502)
    t.equal(lost.json.error.status, 'UNKNOWN')
    t.equal(lost.json.error.details[0].reason, 'UPSTREAM_ANSWER_LOST')
    t.equal(stack.sim.calls.length, 1, 'sent once only: it may have been billed')
    t.ok(
      stack.logs.some((l) => l.code === 'KP_ERR_ANSWER_LOST'),
      'the ambiguous failure is logged',
    )

    stack.sim.clearCalls()
    stack.sim.faults.add({ kind: 'dropAfterBody', operation: 'count', count: 1 })
    const counted = await send(stack.url, `/v1beta/models/${MODEL}:countTokens`, {
      body: { contents: [{ parts: [{ text: 'hi' }] }] },
      key: 'client',
    })
    t.equal(counted.status, 200, 'countTokens spends no money and is retried')
    t.equal(stack.sim.calls.length, 2)

    stack.sim.clearCalls()
    stack.sim.faults.add({ kind: 'dropAfterBody', operation: 'embed', count: 1 })
    const embedded = await send(
      stack.url,
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
      {
        body: {
          requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] } }],
        },
        key: 'client',
      },
    )
    t.equal(embedded.status, 200, 'an embed is retried too')
  },
)

t.test(
  'C16: with every project cooling 5 s, a call allowed 30 s waits and one allowed 2 s is refused at once',
  async (t) => {
    const clock = new ManualClock()
    const keys = [
      { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
      { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
    ]
    const stack = await startStack(t, {
      clock,
      config: { keys, pools: { main: { keys: ['alpha-1', 'beta-1'] } }, retry: { maxAttempts: 2 } },
    })
    stack.sim.faults.add({ kind: 'status', preset: 'perMinute', retryDelay: '5s', count: 2 })
    await generate(stack.url, MODEL, 'prime', { 'x-keypool-max-wait': '0s' })
    const cooling = stack.keypool.store.snapshot(clock.now()).filter((b) => b.state === 'cooling')
    t.equal(cooling.length, 2, 'both projects cool')

    const patient = generate(stack.url, MODEL, 'patient', { 'x-keypool-max-wait': '30s' })
    await waitFor(
      () => stack.keypool.scheduler.queueDepths()[0]!.depth === 1,
      'the patient call to wait',
    )
    const hasty = await generate(stack.url, MODEL, 'hasty', { 'x-keypool-max-wait': '2s' })
    t.equal(hasty.status, 429)
    t.equal(hasty.headers.get('retry-after'), '5')
    t.equal(hasty.headers.get('x-should-retry'), null, 'a short wait is left to SDK retries')
    const quota = hasty.json.error.details.find((d: any) => d['@type'].endsWith('QuotaFailure'))
    t.equal(quota.violations[0].quotaId, 'keypool.WaitTooLong')
    const retryInfo = hasty.json.error.details.find((d: any) => d['@type'].endsWith('RetryInfo'))
    t.equal(retryInfo.retryDelay, '5s')

    clock.advance(5000)
    const served = await patient
    t.equal(served.status, 200)
    t.equal(served.headers.get('x-keypool-queue-ms'), '5000')
  },
)

t.test(
  'C19: 200 calls that all meet 503 retry spread out in time, never more than maxAttempts each',
  async (t) => {
    const delays: number[] = []
    const reasons = new Set<RetryReason>()
    const observer = {
      ...noEvents,
      retried: (e: { delayMs: number; reason: RetryReason }) => {
        delays.push(e.delayMs)
        reasons.add(e.reason)
      },
    }
    const limit = { models: MODEL, rpm: 10_000, tpm: 10_000_000, rpd: 100_000 }
    const stack = await startStack(t, {
      clock: systemClock,
      observers: [observer],
      sim: { limits: [limit] },
      config: {
        limits: [limit],
        retry: { maxAttempts: 3, backoff: { base: '40ms', max: '80ms' } },
      },
    })
    stack.sim.faults.add({ kind: 'status', preset: 'overloaded' })
    const answers = await Promise.all(
      Array.from({ length: COUNT }, (_, i) => generate(stack.url, MODEL, `${i}`)),
    )
    t.ok(answers.every((a) => a.status === 503))
    t.ok(answers.every((a) => Number(a.headers.get('x-keypool-attempts')) <= 3))
    t.equal(stack.sim.calls.length, COUNT * 3, 'exactly maxAttempts attempts per call')
    t.same([...reasons], ['server-error'])
    const distinct = new Set(delays).size
    t.ok(distinct > 50, `delays are spread (${distinct} distinct of ${delays.length})`)
    t.ok(Math.max(...delays) <= 80 && Math.min(...delays) >= 0, 'within the backoff bounds')
  },
)

t.test(
  'C21: a call larger than the whole tpm is refused at once; a call that fits later waits for the reservation',
  async (t) => {
    const clock = new ManualClock()
    const limit = { models: MODEL, rpm: 100, tpm: 1000, rpd: 10_000 }
    const keys = [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }]
    const stack = await startStack(t, {
      clock,
      sim: { limits: [limit] },
      config: { keys, limits: [limit], pools: { main: { keys: ['alpha-1'] } } },
    })
    const big = await send(stack.url, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
      body: { contents: [{ parts: [{ text: 'word '.repeat(960) }] }] },
      key: 'client',
    })
    t.equal(big.status, 429)
    t.equal(
      big.json.error.details.find((d: any) => d.violations)?.violations[0].quotaId,
      'keypool.RequestTooLarge',
    )
    t.equal(big.headers.get('retry-after'), null, 'no Retry-After: it can never be sent')
    t.equal(big.headers.get('x-should-retry'), 'false', 'and SDKs are told not to retry it')
    t.equal(stack.sim.calls.length, 0)

    stack.sim.faults.add({ kind: 'firstByteDelay', ms: 200, count: 1 })
    const first = generate(stack.url, MODEL, 'a'.repeat(2000))
    await waitFor(
      () =>
        stack.keypool.inFlight === 1 &&
        (stack.keypool.store.snapshot(clock.now())[0]?.tpm.used ?? 0) > 0,
      'the first call in flight',
    )
    const second = generate(stack.url, MODEL, 'b'.repeat(2400))
    await waitFor(
      () => stack.keypool.scheduler.queueDepths()[0]!.depth === 1,
      'the second call to wait',
    )
    t.equal((await first).status, 200)
    const used = stack.keypool.store.snapshot(clock.now())[0]!.tpm.used
    t.equal(used, stack.sim.calls[0]!.tokens, 'the reservation was corrected to the real usage')
    t.equal(stack.sim.calls.length, 1, 'the second call was not sent early')
    clock.advance(60_000)
    t.equal((await second).status, 200)
    t.equal(stack.sim.calls.filter((c) => c.overLimit).length, 0)
  },
)
