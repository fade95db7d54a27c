import t from 'tap'
import { nextPacificMidnight } from '../../src/limits/pacific-day.js'
import { ManualClock } from '../../src/util/clock.js'
import { generate, send } from '../helpers/http.js'
import { startStack, type StackOptions } from '../helpers/stack.js'

const MODEL = 'gemini-2.5-flash'
const LIMIT = { models: MODEL, rpm: 100, tpm: 1_000_000, rpd: 10_000 }
const KEYS = [
  { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
]

/** Two keys in two projects, round-robin so the first call goes to alpha-1. */
function twoProjects(clock: ManualClock, extra: StackOptions['config'] = {}): StackOptions {
  return {
    clock,
    // Backoff delays of zero: a ManualClock would otherwise hold a jittered retry forever.
    random: () => 0,
    sim: { limits: [LIMIT] },
    config: {
      keys: KEYS,
      limits: [LIMIT],
      pools: { main: { keys: ['alpha-1', 'beta-1'], strategy: 'round-robin' } },
      retry: { maxAttempts: 3, backoff: { base: '1ms', max: '2ms' } },
      ...extra,
    },
  }
}

function keyState(
  stack: { keypool: { keys: readonly { id: string; state: string; reason?: string }[] } },
  id: string,
) {
  return stack.keypool.keys.find((k) => k.id === id)!
}

function budget(stack: any, project: string, now: number) {
  return stack.keypool.store
    .snapshot(now)
    .find((b: any) => b.project === project && b.model === MODEL)
}

t.test(
  'a per-minute 429 cools that project for RetryInfo.retryDelay and another key serves (C03)',
  async (t) => {
    const clock = new ManualClock()
    const stack = await startStack(t, twoProjects(clock))
    stack.sim.faults.add({
      kind: 'status',
      preset: 'perMinute',
      retryDelay: '37.5s',
      key: 'sim-key-alpha-1',
      count: 1,
    })

    const answer = await generate(stack.url, MODEL)
    t.equal(answer.status, 200, 'the client never sees the 429')
    t.equal(answer.headers.get('x-keypool-key'), 'beta-1')
    t.equal(answer.headers.get('x-keypool-attempts'), '2')
    const cooled = budget(stack, 'alpha', clock.now())
    t.equal(cooled.state, 'cooling')
    t.equal(Date.parse(cooled.until), clock.now() + 37_500, 'cooling until exactly 37.5 s later')

    clock.advance(37_499)
    for (let i = 0; i < 3; i++) await generate(stack.url, MODEL)
    t.notOk(
      stack.sim.calls.slice(2).some((c) => c.project === 'alpha'),
      'no traffic to alpha while it cools',
    )
    clock.advance(1)
    const seen = stack.sim.calls.length
    for (let i = 0; i < 2; i++) await generate(stack.url, MODEL)
    t.ok(
      stack.sim.calls.slice(seen).some((c) => c.project === 'alpha'),
      'alpha serves again after 37.5 s',
    )
    t.equal(keyState(stack, 'alpha-1').state, 'active', 'the key itself was never penalised')
  },
)

t.test('a 429 with no details cools the project for 60 s', async (t) => {
  const clock = new ManualClock()
  const stack = await startStack(t, twoProjects(clock))
  stack.sim.faults.add({ kind: 'status', preset: 'bare429', key: 'sim-key-alpha-1', count: 1 })
  t.equal((await generate(stack.url, MODEL)).status, 200)
  const cooled = budget(stack, 'alpha', clock.now())
  t.equal(cooled.state, 'cooling')
  t.equal(Date.parse(cooled.until), clock.now() + 60_000)
})

t.test(
  'a per-day 429 parks the project until Pacific midnight, then it returns by itself (C07, C20)',
  async (t) => {
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 20, 0, 0))
    const stack = await startStack(t, twoProjects(clock))
    stack.sim.faults.add({ kind: 'status', preset: 'perDay', key: 'sim-key-alpha-1', count: 1 })
    t.equal((await generate(stack.url, MODEL)).status, 200)
    const midnight = nextPacificMidnight(clock.now())
    const parked = budget(stack, 'alpha', clock.now())
    t.equal(parked.state, 'exhausted')
    t.equal(Date.parse(parked.until), midnight)

    clock.advance(midnight - clock.now() - 1000)
    const before = stack.sim.calls.length
    for (let i = 0; i < 3; i++) await generate(stack.url, MODEL)
    t.notOk(
      stack.sim.calls.slice(before).some((c) => c.project === 'alpha'),
      'still parked a second before midnight, probes or not',
    )

    clock.advance(1000)
    t.equal(budget(stack, 'alpha', clock.now()).state, 'ok', 'back at midnight without a reload')
    const seen = stack.sim.calls.length
    for (let i = 0; i < 2; i++) await generate(stack.url, MODEL)
    t.ok(stack.sim.calls.slice(seen).some((c) => c.project === 'alpha'))
  },
)

t.test(
  'dead keys are disabled, a disabled API flags the key, and another key serves (C06)',
  async (t) => {
    const clock = new ManualClock()
    const keys = [
      { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
      { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
      { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
      { id: 'delta-1', key: 'sim-key-delta-1', project: 'delta' },
    ]
    const stack = await startStack(t, {
      ...twoProjects(clock),
      config: {
        keys,
        limits: [LIMIT],
        pools: { main: { keys: keys.map((k) => k.id), strategy: 'round-robin' } },
        retry: { maxAttempts: 4, backoff: { base: '1ms', max: '2ms' } },
      },
    })
    stack.sim.faults.add({ kind: 'status', preset: 'apiKeyInvalid', key: 'sim-key-alpha-1' })
    stack.sim.faults.add({ kind: 'status', preset: 'serviceDisabled', key: 'sim-key-beta-1' })
    stack.sim.faults.add({ kind: 'status', preset: 'billing', key: 'sim-key-gamma-1' })

    for (let i = 0; i < 3; i++) t.equal((await generate(stack.url, MODEL)).status, 200)
    t.equal(keyState(stack, 'alpha-1').state, 'disabled')
    t.match(keyState(stack, 'alpha-1').reason, /API_KEY_INVALID/)
    t.equal(keyState(stack, 'beta-1').state, 'flagged')
    t.match(keyState(stack, 'beta-1').reason, /SERVICE_DISABLED/)
    t.equal(keyState(stack, 'gamma-1').state, 'disabled')
    t.match(keyState(stack, 'gamma-1').reason, /402/)
    t.equal(keyState(stack, 'delta-1').state, 'active')
    const logged = stack.logs.filter((l) => l.msg === 'key state changed').map((l) => l.key)
    t.same(
      new Set(logged),
      new Set(['alpha-1', 'beta-1', 'gamma-1']),
      'each change is logged by key id',
    )

    stack.sim.faults.clear()
    clock.advance(3 * 60_000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    t.equal(
      keyState(stack, 'beta-1').state,
      'active',
      'the flagged key returns when its probe passes',
    )
    t.equal(keyState(stack, 'alpha-1').state, 'disabled', 'a disabled key stays disabled')
  },
)

t.test('a 403 that names a resource goes back to the client and penalises no key', async (t) => {
  const clock = new ManualClock()
  const stack = await startStack(t, twoProjects(clock))
  const body = {
    error: {
      code: 403,
      message: 'You do not have permission to access the File abc123 or it may not exist.',
      status: 'PERMISSION_DENIED',
    },
  }
  stack.sim.faults.add({ kind: 'status', status: 403, body, count: 1 })
  const answer = await generate(stack.url, MODEL)
  t.equal(answer.status, 403)
  t.same(answer.json, body, 'the upstream error is passed on unchanged')
  t.equal(stack.sim.calls.length, 1, 'not retried')
  t.ok(stack.keypool.keys.every((k) => k.state === 'active'))
})

t.test(
  '"User location is not supported" goes back unchanged, penalises no key, and is logged at warn (C06)',
  async (t) => {
    const clock = new ManualClock()
    const stack = await startStack(t, twoProjects(clock))
    stack.sim.faults.add({ kind: 'status', preset: 'locationUnsupported', count: 1 })
    const answer = await generate(stack.url, MODEL)
    t.equal(answer.status, 400)
    t.equal(answer.json.error.status, 'FAILED_PRECONDITION')
    t.equal(stack.sim.calls.length, 1)
    t.ok(stack.keypool.keys.every((k) => k.state === 'active'))
    const warn = stack.logs.find((l) => l.level === 40 && String(l.msg).includes('no key can fix'))
    t.ok(warn, 'a warn line says so')
  },
)

t.test(
  'overloaded upstream: retried with backoff up to maxAttempts, then the 503 reaches the client (C05)',
  async (t) => {
    const clock = new ManualClock()
    const stack = await startStack(t, twoProjects(clock))
    stack.sim.faults.add({ kind: 'status', preset: 'overloaded' })
    const answer = await generate(stack.url, MODEL)
    t.equal(answer.status, 503)
    t.match(answer.json.error.message, /overloaded/)
    t.equal(answer.headers.get('x-keypool-attempts'), '3')
    t.equal(stack.sim.calls.length, 3, 'exactly retry.maxAttempts attempts')
    t.ok(
      stack.keypool.keys.every((k) => k.state === 'active'),
      'no key penalised',
    )
    t.ok(
      stack.keypool.store.snapshot(clock.now()).every((b: any) => b.state === 'ok'),
      'no budget penalised',
    )
  },
)

t.test("a client's bad request is not retried and penalises nothing", async (t) => {
  const clock = new ManualClock()
  const stack = await startStack(t, twoProjects(clock))
  const answer = await send(stack.url, `/v1beta/models/${MODEL}:generateContent`, {
    body: '{"contents": [',
    key: 'client',
  })
  t.equal(answer.status, 400)
  t.equal(answer.json.error.status, 'INVALID_ARGUMENT')
  t.equal(stack.sim.calls.length, 1)
  t.ok(stack.keypool.keys.every((k) => k.state === 'active'))
})
