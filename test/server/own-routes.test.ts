import t, { type Test } from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { configSchema, type ConfigInput } from '../../src/config/schema.js'
import { classifyRoute } from '../../src/gemini/route.js'
import { RuntimeKey } from '../../src/pool/key.js'
import { createOwnRoutes } from '../../src/server/own-routes.js'
import { ManualClock } from '../../src/util/clock.js'
import { SIM_KEY_CONFIG, startStack } from '../helpers/stack.js'
import { generate, getOwn } from '../metrics/traffic.js'

const ADMIN = 'admin-token-0123456789'
const TOKEN = 'web-app-token-0123456789'

interface GoogleError {
  error: { code: number; status: string; details: Array<{ reason?: string; domain?: string }> }
}

/**
 * keypool's own routes alone behind a plain server, for what a stack cannot show from this
 * host: a caller from another address, a keypool that is shutting down.
 */
async function ownRoutesOnly(
  t: Test,
  options: { config?: Partial<ConfigInput>; remoteAddress?: string; shuttingDown?: boolean },
): Promise<string> {
  const config = configSchema.parse({
    keys: SIM_KEY_CONFIG.map((k) => ({ ...k })),
    pools: { main: { keys: SIM_KEY_CONFIG.map((k) => k.id) } },
    ...options.config,
  })
  const routes = createOwnRoutes({
    config,
    clock: new ManualClock(),
    keys: config.keys.map((k) => new RuntimeKey(k)),
    isShuttingDown: () => options.shuttingDown === true,
  })
  const server = createServer((req, res) => {
    const remoteAddress = options.remoteAddress
    if (remoteAddress) Object.defineProperty(req.socket, 'remoteAddress', { value: remoteAddress })
    routes(req, res, classifyRoute(req.url ?? '/'), 'test-request')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function withAdmin(extra: Partial<ConfigInput> = {}): Partial<ConfigInput> {
  return {
    admin: { token: ADMIN },
    clients: [{ id: 'web-app', token: TOKEN, tier: 'free' }],
    ...extra,
  }
}

t.test('health answers 200 while keypool serves', async (t) => {
  const stack = await startStack(t)
  const answer = await getOwn(stack.url, '/keypool/health')
  t.equal(answer.status, 200)
  t.same(answer.json, { status: 'ok' })
})

t.test(
  'status without the admin token is refused 401 UNAUTHENTICATED in Google shape',
  async (t) => {
    const stack = await startStack(t, { config: withAdmin() })
    for (const bearer of [undefined, 'wrong-token-0123456789', TOKEN]) {
      const answer = await getOwn(stack.url, '/keypool/status', bearer)
      t.equal(answer.status, 401, `bearer ${bearer ?? 'none'}`)
      const { error } = answer.json as GoogleError
      t.equal(error.code, 401)
      t.equal(error.status, 'UNAUTHENTICATED')
      t.match(error.details[0], { reason: 'ADMIN_TOKEN_REQUIRED', domain: 'keypool' })
    }
  },
)

t.test(
  'status shows keys, budgets, queues and clients in the shape of design section 9',
  async (t) => {
    const stack = await startStack(t, {
      config: withAdmin({ tiers: { free: { priority: 0, requestsPerDay: 50 } } }),
    })
    t.equal((await generate(stack.url, { token: TOKEN })).status, 200)
    const answer = await getOwn(stack.url, '/keypool/status', ADMIN)
    t.equal(answer.status, 200)
    const status = answer.json as Record<string, unknown>
    t.equal(status.version, 1)
    t.equal(status.now, new Date(stack.clock.now()).toISOString())
    t.same(status.keys, [
      { id: 'alpha-1', project: 'alpha', state: 'active', reason: null, until: null },
      { id: 'alpha-2', project: 'alpha', state: 'active', reason: null, until: null },
      { id: 'beta-1', project: 'beta', state: 'active', reason: null, until: null },
      { id: 'gamma-1', project: 'gamma', state: 'active', reason: null, until: null },
    ])
    // Choosing a key looks at each project's budget for the model, so each project has one.
    const budgets = status.budgets as Array<{ project: string; rpm: { used: number } }>
    t.same(budgets.map((b) => b.project).sort(), ['alpha', 'beta', 'gamma'])
    const used = budgets.find((b) => b.rpm.used === 1)
    t.match(used, {
      model: 'gemini-2.5-flash',
      state: 'ok',
      until: null,
      rpm: { limit: 5, used: 1, left: 4, resetsAt: String },
      tpm: { limit: 250_000, used: Number, left: Number },
      rpd: { limit: 20, used: 1, left: 19, resetsAt: String },
    })
    t.equal(budgets.filter((b) => b.rpm.used === 0).length, 2, 'the call took from one budget')
    t.same(status.queues, [{ pool: 'main', depth: 0, byPriority: {} }])
    t.same(status.clients, [{ id: 'web-app', tier: 'free', today: 1, limit: 50 }])
  },
)

t.test('without an admin token, status answers callers on the loopback address', async (t) => {
  const stack = await startStack(t)
  t.equal((await getOwn(stack.url, '/keypool/status')).status, 200)
})

t.test('without an admin token, status refuses callers from other addresses', async (t) => {
  const url = await ownRoutesOnly(t, { remoteAddress: '203.0.113.7' })
  t.equal((await getOwn(url, '/keypool/status')).status, 401)
  t.equal((await getOwn(url, '/keypool/status', 'any-token-at-all')).status, 401)
})

t.test('an admin token opens status to callers from other addresses', async (t) => {
  const url = await ownRoutesOnly(t, { remoteAddress: '203.0.113.7', config: withAdmin() })
  t.equal((await getOwn(url, '/keypool/status', ADMIN)).status, 200)
})

t.test('/metrics is open by default, even with an admin token set', async (t) => {
  const stack = await startStack(t, { config: withAdmin() })
  const answer = await getOwn(stack.url, '/metrics')
  t.equal(answer.status, 200)
  t.match(answer.text, /# TYPE keypool_key_state gauge/)
})

t.test('/metrics needs the admin token when metricsPublic is false', async (t) => {
  const stack = await startStack(t, {
    config: withAdmin({ admin: { token: ADMIN, metricsPublic: false } }),
  })
  t.equal((await getOwn(stack.url, '/metrics')).status, 401)
  t.equal((await getOwn(stack.url, '/metrics', ADMIN)).status, 200)
})

t.test('ready answers 200 while a key is usable', async (t) => {
  const stack = await startStack(t)
  const answer = await getOwn(stack.url, '/keypool/ready')
  t.equal(answer.status, 200)
  t.same(answer.json, { status: 'ready' })
})

t.test('ready turns 503 with the reason once every key is disabled', async (t) => {
  const stack = await startStack(t, { config: { retry: { maxAttempts: SIM_KEY_CONFIG.length } } })
  for (const k of SIM_KEY_CONFIG) stack.sim.faults.add({ kind: 'invalidKey', key: k.key })
  t.equal((await generate(stack.url)).status, 400, "Google's API_KEY_INVALID reaches the client")
  const answer = await getOwn(stack.url, '/keypool/ready')
  t.equal(answer.status, 503)
  t.match(answer.json, { status: 'unavailable', reason: /every key is disabled/ })
})

t.test('ready turns 503 while keypool shuts down', async (t) => {
  const url = await ownRoutesOnly(t, { shuttingDown: true })
  const answer = await getOwn(url, '/keypool/ready')
  t.equal(answer.status, 503)
  t.same(answer.json, { status: 'unavailable', reason: 'shutting down' })
})

t.test('an unknown keypool route answers 404 NOT_FOUND', async (t) => {
  const stack = await startStack(t)
  for (const path of ['/keypool/nothing', '/keypool/reload']) {
    const answer = await getOwn(stack.url, path)
    t.equal(answer.status, 404, path)
    t.equal((answer.json as GoogleError).error.status, 'NOT_FOUND')
  }
})
