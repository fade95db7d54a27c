import t from 'tap'
import { nextPacificMidnight } from '../../src/limits/pacific-day.js'
import { ManualClock } from '../../src/util/clock.js'
import { generate } from '../helpers/http.js'
import { startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/wait.js'

const MODEL = 'gemini-2.5-flash'
const ONE_PER_MINUTE = { models: MODEL, rpm: 1, tpm: 1_000_000, rpd: 10_000 }
const TOKENS = { free: 'free-client-token', free2: 'free2-client-token', vip: 'vip-client-token' }

/** One key at 1 rpm, clients of two tiers: every call after the first must queue. */
function queueStack(t: Parameters<typeof startStack>[0], clock: ManualClock, tiers?: object) {
  return startStack(t, {
    clock,
    sim: { limits: [ONE_PER_MINUTE] },
    config: {
      keys: [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }],
      limits: [ONE_PER_MINUTE],
      pools: { main: { keys: ['alpha-1'] } },
      queue: { maxWait: '10m' },
      tiers: (tiers as any) ?? { free: { priority: 0 }, vip: { priority: 2 } },
      clients: [
        { id: 'free-app', token: TOKENS.free, tier: 'free' },
        { id: 'free-app-2', token: TOKENS.free2, tier: 'free' },
        { id: 'vip-app', token: TOKENS.vip, tier: 'vip' },
      ],
    },
  })
}

function call(stack: Stack, token: string, text: string, headers: Record<string, string> = {}) {
  return generate(stack.url, MODEL, text, { 'x-goog-api-key': token, ...headers })
}

function depth(stack: Stack): number {
  return stack.keypool.scheduler.queueDepths()[0]!.depth
}

/**
 * Moves time a minute at a time, each time waiting for the call that minute frees to reach
 * the upstream: a real minute passes between sends, not an instant.
 */
async function minuteByMinute(stack: Stack, clock: ManualClock, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    const seen = stack.sim.calls.length
    clock.advance(60_000)
    await waitFor(() => stack.sim.calls.length === seen + 1, 'the next call upstream')
  }
}

/** Records the order in which promises settle. */
function track<T>(order: string[], name: string, promise: Promise<T>): Promise<T> {
  return promise.then((value) => {
    order.push(name)
    return value
  })
}

t.test('a vip call that arrives after free calls overtakes them in the queue', async (t) => {
  const clock = new ManualClock()
  const stack = await queueStack(t, clock)
  await call(stack, TOKENS.free, 'spends the minute')
  const order: string[] = []
  const frees = [1, 2, 3].map((i) =>
    track(order, `free-${i}`, call(stack, TOKENS.free, `free ${i}`)),
  )
  await waitFor(() => depth(stack) === 3, 'three free calls waiting')
  const vip = track(order, 'vip', call(stack, TOKENS.vip, 'vip'))
  await waitFor(() => depth(stack) === 4, 'the vip call waiting')

  clock.advance(60_000)
  await vip
  t.same(order, ['vip'], 'the vip call went first')
  t.equal(depth(stack), 3)
  await minuteByMinute(stack, clock, 3)
  await Promise.all(frees)
  t.same(order, ['vip', 'free-1', 'free-2', 'free-3'], 'then the free calls in their order')
})

t.test('x-keypool-priority lowers a call but never raises it above its tier', async (t) => {
  const clock = new ManualClock()
  const stack = await queueStack(t, clock)
  await call(stack, TOKENS.free, 'spends the minute')
  const order: string[] = []
  const lowered = track(
    order,
    'vip-lowered',
    call(stack, TOKENS.vip, 'a', { 'x-keypool-priority': '0' }),
  )
  await waitFor(() => depth(stack) === 1, 'the lowered vip call waiting')
  const raised = track(
    order,
    'free-raised',
    call(stack, TOKENS.free, 'b', { 'x-keypool-priority': '9' }),
  )
  await waitFor(() => depth(stack) === 2, 'the raised free call waiting')
  const byPriority = stack.keypool.scheduler.queueDepths()[0]!.byPriority
  t.same(byPriority, { 0: 2 }, 'both wait at priority 0')
  await minuteByMinute(stack, clock, 2)
  await Promise.all([lowered, raised])
  t.same(order, ['vip-lowered', 'free-raised'], 'equal priorities keep their order')
})

t.test('a light client waits at most one turn behind a heavy client with a backlog', async (t) => {
  const clock = new ManualClock()
  const stack = await queueStack(t, clock)
  await call(stack, TOKENS.free, 'spends the minute')
  const order: string[] = []
  const heavy = Array.from({ length: 8 }, (_, i) =>
    track(order, `heavy-${i}`, call(stack, TOKENS.free, `h${i}`)),
  )
  await waitFor(() => depth(stack) === 8, 'the heavy backlog waiting')
  const light = track(order, 'light', call(stack, TOKENS.free2, 'light'))
  await waitFor(() => depth(stack) === 9, 'the light call waiting')
  await minuteByMinute(stack, clock, 2)
  await waitFor(() => order.length === 2, 'two turns')
  t.ok(order.includes('light'), `the light call was served within two turns (${order.join(', ')})`)
  await minuteByMinute(stack, clock, 7)
  await Promise.all([...heavy, light])
})

t.test('a queued call whose deadline passes gets 504 DEADLINE_EXCEEDED', async (t) => {
  const clock = new ManualClock()
  const stack = await queueStack(t, clock)
  await call(stack, TOKENS.free, 'spends the minute')
  const patient = call(stack, TOKENS.free, 'waits', { 'x-keypool-max-wait': '70s' })
  await waitFor(() => depth(stack) === 1, 'the free call waiting')
  const vip = call(stack, TOKENS.vip, 'jumps the queue')
  await waitFor(() => depth(stack) === 2, 'the vip call waiting')
  clock.advance(60_000)
  t.equal((await vip).status, 200)
  clock.advance(10_000)
  const late = await patient
  t.equal(late.status, 504)
  t.equal(late.json.error.status, 'DEADLINE_EXCEEDED')
  t.equal(stack.sim.calls.length, 2, 'the late call was never sent')
  t.equal(late.headers.get('x-keypool-queue-ms'), '70000', 'the refusal says how long it waited')
  t.equal(late.headers.get('x-keypool-attempts'), '0')
  t.same(requestLine(stack, 'KP_ERR_QUEUE_TIMEOUT')?.queueMs, 70_000, 'and so does its log line')
})

t.test('a call in its retry backoff at shutdown is refused 503, not queued again', async (t) => {
  const clock = new ManualClock()
  const stack = await queueStack(t, clock)
  stack.sim.faults.add({ kind: 'status', preset: 'overloaded', count: 1 })
  const retrying = call(stack, TOKENS.free, 'meets a 503')
  await waitFor(() => stack.logs.some((line) => line.msg === 'retry on another key'), 'a backoff')

  const stopping = stack.keypool.shutdown(30_000)
  clock.advance(10_000)
  const refused = await retrying
  t.equal(refused.status, 503, "the minute's unit is spent: the retry would have to wait")
  t.equal(refused.json.error.status, 'UNAVAILABLE')
  t.equal(refused.headers.get('x-keypool-attempts'), '1')
  t.equal(depth(stack), 0, 'nothing waits after the drain')
  t.equal(stack.sim.calls.length, 1, 'nothing more was sent')
  await stopping
})

/** A clock that moves a millisecond each time it is read, as a busy machine's would. */
class CreepingClock extends ManualClock {
  #reads = 0

  override now(): number {
    return super.now() + this.#reads++
  }
}

t.test('a call refused at once says nothing of a wait it never had', async (t) => {
  const clock = new CreepingClock()
  const stack = await queueStack(t, clock)
  await call(stack, TOKENS.free, 'spends the minute')
  const refused = await call(stack, TOKENS.free, 'in a hurry', { 'x-keypool-max-wait': '1s' })
  t.equal(refused.status, 429)
  t.match(refused.json.error.message, /wait/i, 'refused for the wait it would need')
  t.equal(refused.headers.get('x-keypool-queue-ms'), null, 'no wait is reported')
  t.equal(refused.headers.get('x-keypool-attempts'), null)
  t.equal(requestLine(stack, 'KP_ERR_WAIT_TOO_LONG')?.queueMs, 0, 'and its log line says 0')
})

/** The request line logged for the call keypool refused with `code`. */
function requestLine(stack: Stack, code: string) {
  return stack.logs.find((line) => line.msg === 'request' && line.code === code)
}

t.test(
  'a client that disconnects while queued leaves the queue at once and spends no quota',
  async (t) => {
    const clock = new ManualClock()
    const stack = await queueStack(t, clock)
    await call(stack, TOKENS.free, 'spends the minute')
    const abort = new AbortController()
    const gone = fetch(`${stack.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TOKENS.free, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'bye' }] }] }),
      signal: abort.signal,
    }).catch(() => 'aborted')
    await waitFor(() => depth(stack) === 1, 'the call waiting')
    abort.abort()
    t.equal(await gone, 'aborted')
    await waitFor(() => depth(stack) === 0, 'the queue to empty')
    clock.advance(60_000)
    t.equal(stack.sim.calls.length, 1, 'nothing was sent for it')
    t.equal(stack.keypool.store.snapshot(clock.now())[0]!.rpd.used, 1, 'no budget unit was taken')
  },
)

t.test(
  'tier quotas refuse with keypool 429s and the day quota resets at Pacific midnight',
  async (t) => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1, 7, 30))
    const stack = await startStack(t, {
      clock,
      config: {
        keys: [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }],
        limits: [{ models: MODEL, rpm: 100, tpm: 1_000_000, rpd: 10_000 }],
        pools: { main: { keys: ['alpha-1'] } },
        tiers: { free: { priority: 0, requestsPerDay: 3, rpm: 2 } },
        clients: [{ id: 'free-app', token: TOKENS.free, tier: 'free' }],
      },
      sim: { limits: [{ models: MODEL, rpm: 100, tpm: 1_000_000, rpd: 10_000 }] },
    })
    t.equal((await call(stack, TOKENS.free, '1')).status, 200)
    t.equal((await call(stack, TOKENS.free, '2')).status, 200)
    const perMinute = await call(stack, TOKENS.free, '3')
    t.equal(perMinute.status, 429)
    t.equal(
      perMinute.json.error.details.find((d: any) => d.violations).violations[0].quotaId,
      'keypool.ClientRequestsPerMinute',
    )
    t.equal(perMinute.headers.get('retry-after'), '60')

    clock.advance(60_000)
    t.equal((await call(stack, TOKENS.free, '3')).status, 200, 'the refused call was not counted')
    clock.advance(60_000)
    const perDay = await call(stack, TOKENS.free, '4')
    t.equal(perDay.status, 429)
    t.equal(
      perDay.json.error.details.find((d: any) => d.violations).violations[0].quotaId,
      'keypool.ClientRequestsPerDay',
    )
    const midnight = nextPacificMidnight(clock.now())
    t.equal(Number(perDay.headers.get('retry-after')), Math.ceil((midnight - clock.now()) / 1000))

    clock.set(midnight)
    t.equal((await call(stack, TOKENS.free, '5')).status, 200, 'a new Pacific day, a new quota')
    t.equal(stack.sim.calls.length, 4)
  },
)

t.test(
  'on shutdown queued calls get 503 with Retry-After while an in-flight call finishes',
  async (t) => {
    const clock = new ManualClock()
    const stack = await queueStack(t, clock)
    stack.sim.faults.add({ kind: 'firstByteDelay', ms: 300, count: 1 })
    const inFlight = call(stack, TOKENS.free, 'slow answer')
    await waitFor(
      () => stack.sim.calls.length === 0 && stack.keypool.inFlight === 1,
      'the first call in flight',
    )
    const queued = call(stack, TOKENS.free, 'queued')
    await waitFor(() => depth(stack) === 1, 'a call waiting')
    clock.advance(5_000)
    const stopping = stack.keypool.shutdown(30_000)
    const refused = await queued
    t.equal(refused.status, 503)
    t.equal(refused.json.error.status, 'UNAVAILABLE')
    t.ok(Number(refused.headers.get('retry-after')) >= 1)
    t.equal(
      refused.headers.get('x-keypool-queue-ms'),
      '5000',
      'the refusal says how long it waited',
    )
    t.same(requestLine(stack, 'KP_ERR_SHUTTING_DOWN')?.queueMs, 5_000, 'and so does its log line')
    t.equal((await inFlight).status, 200, 'the in-flight call finished')
    await stopping
  },
)

t.test(
  'GET /keypool/requests/{id} tells the calling client its place and wait, and nobody else',
  async (t) => {
    const clock = new ManualClock()
    const stack = await startStack(t, {
      clock,
      sim: { limits: [ONE_PER_MINUTE] },
      config: {
        keys: [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }],
        limits: [ONE_PER_MINUTE],
        pools: { main: { keys: ['alpha-1'] } },
        queue: { maxWait: '10m' },
        tiers: { free: { priority: 0, requestsPerDay: 100 }, vip: { priority: 2 } },
        clients: [
          { id: 'free-app', token: TOKENS.free, tier: 'free' },
          { id: 'vip-app', token: TOKENS.vip, tier: 'vip' },
        ],
        admin: { token: 'admin-token-123456' },
      },
    })
    await call(stack, TOKENS.free, 'spends the minute')
    const waiting = [1, 2, 3].map((i) =>
      call(stack, TOKENS.free, `q${i}`, { 'x-request-id': `q-${i}` }),
    )
    await waitFor(() => depth(stack) === 3, 'three calls waiting')

    const ask = (id: string, headers: Record<string, string>) =>
      fetch(`${stack.url}/keypool/requests/${id}`, { headers }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as any,
      }))
    const mine = await ask('q-3', { 'x-goog-api-key': TOKENS.free })
    t.equal(mine.status, 200)
    t.equal(mine.json.position, 3)
    t.equal(mine.json.ahead, 2)
    t.equal(mine.json.client, 'free-app')
    t.ok(mine.json.estimatedWaitSeconds >= 60, `about ${mine.json.estimatedWaitSeconds} s`)

    t.equal(
      (await ask('q-3', { 'x-goog-api-key': TOKENS.vip })).status,
      404,
      'another client learns nothing',
    )
    t.equal((await ask('q-3', {})).status, 404, 'nor does a caller without a token')
    const admin = await ask('q-1', { authorization: 'Bearer admin-token-123456' })
    t.equal(admin.json.position, 1, 'the admin may ask')

    const status = await fetch(`${stack.url}/keypool/status`, {
      headers: { authorization: 'Bearer admin-token-123456' },
    }).then((r) => r.json() as Promise<any>)
    const free = status.clients.find((c: any) => c.id === 'free-app')
    t.same(
      { today: free.today, limit: free.limit },
      { today: 4, limit: 100 },
      'the status page counts the day',
    )

    await minuteByMinute(stack, clock, 3)
    await Promise.all(waiting)
    t.equal(
      (await ask('q-1', { 'x-goog-api-key': TOKENS.free })).status,
      404,
      'served calls are gone',
    )
  },
)
