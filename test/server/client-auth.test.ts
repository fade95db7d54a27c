import { createHash } from 'node:crypto'
import t from 'tap'
import { configSchema, type ConfigInput } from '../../src/config/schema.js'
import { KeypoolError } from '../../src/errors/keypool-error.js'
import { ClientAuth } from '../../src/server/client-auth.js'
import { ManualClock } from '../../src/util/clock.js'

const OPS_TOKEN = 'ops-token-xyz'

function config(overrides: Partial<ConfigInput> = {}) {
  return configSchema.parse({
    keys: [{ id: 'k1', key: 'AIza-test' }],
    pools: { main: { keys: ['k1'] } },
    clients: [
      { id: 'app', token: 'app-token-123', tier: 'premium' },
      { id: 'ops', tokenSha256: createHash('sha256').update(OPS_TOKEN).digest('hex'), tier: 'vip' },
    ],
    ...overrides,
  })
}

function auth(overrides: Partial<ConfigInput> = {}, clock = new ManualClock()): ClientAuth {
  const cfg = config(overrides)
  return new ClientAuth(cfg.clients, cfg.tiers, clock)
}

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
    return undefined
  } catch (error) {
    return error
  }
}

/** Lets settled promises run their callbacks. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

void t.test('a plain token authenticates its client with its tier', (t) => {
  const client = auth().authenticate('app-token-123')
  t.match(client, { id: 'app', tier: 'premium', priority: 1 })
  t.end()
})

void t.test('a token configured by its sha256 authenticates its client', (t) => {
  const client = auth().authenticate(OPS_TOKEN)
  t.match(client, { id: 'ops', tier: 'vip', priority: 2 })
  t.end()
})

void t.test('a call without a token is refused with 403', (t) => {
  for (const token of [undefined, '']) {
    const error = thrown(() => auth().authenticate(token))
    t.ok(error instanceof KeypoolError)
    t.match(error, { code: 'KP_ERR_NO_TOKEN', httpStatus: 403 })
  }
  t.end()
})

void t.test('an unknown token is refused with 400', (t) => {
  const error = thrown(() => auth().authenticate('app-token-124'))
  t.ok(error instanceof KeypoolError)
  t.match(error, { code: 'KP_ERR_BAD_TOKEN', httpStatus: 400 })
  t.end()
})

void t.test('the sha256 itself is not accepted as a token', (t) => {
  const digest = createHash('sha256').update(OPS_TOKEN).digest('hex')
  t.match(
    thrown(() => auth().authenticate(digest)),
    { code: 'KP_ERR_BAD_TOKEN' },
  )
  t.end()
})

void t.test('with clients configured keypool is not anonymous', (t) => {
  t.equal(auth().isAnonymous, false)
  t.end()
})

void t.test('anonymous mode accepts any token or none, in the lowest tier', (t) => {
  const anonymous = auth({ clients: [] })
  t.equal(anonymous.isAnonymous, true)
  for (const token of [undefined, '', 'anything-at-all']) {
    t.match(anonymous.authenticate(token), { id: 'anonymous', tier: 'free', priority: 0 })
  }
  t.end()
})

void t.test('the lowest tier is found by priority, not by name or order', (t) => {
  const tiers = { gold: { priority: 5 }, bronze: { priority: -1 }, silver: { priority: 0 } }
  const client = auth({ clients: [], tiers }).authenticate(undefined)
  t.match(client, { id: 'anonymous', tier: 'bronze', priority: -1 })
  t.end()
})

void t.test('a token is recognised as its own client and no other', (t) => {
  const clientAuth = auth()
  const app = clientAuth.authenticate('app-token-123')
  t.equal(clientAuth.isSameClient(app, 'app-token-123'), true)
  t.equal(clientAuth.isSameClient(app, OPS_TOKEN), false)
  t.equal(clientAuth.isSameClient(app, undefined), false)
  const anonymous = auth({ clients: [] }).authenticate(undefined)
  t.equal(clientAuth.isSameClient(anonymous, 'app-token-123'), false)
  t.end()
})

void t.test('the first five failures from an address are not slowed', (t) => {
  const clientAuth = auth()
  const penalties = Array.from({ length: 5 }, () => clientAuth.penaltyFor('10.0.0.1'))
  t.same(penalties, [0, 0, 0, 0, 0])
  t.end()
})

void t.test('after five failures the penalty doubles with each one', (t) => {
  const clientAuth = auth()
  for (let i = 0; i < 5; i++) clientAuth.penaltyFor('10.0.0.1')
  const penalties = Array.from({ length: 4 }, () => clientAuth.penaltyFor('10.0.0.1'))
  t.same(penalties, [250, 500, 1000, 2000])
  t.end()
})

void t.test('the penalty is capped', (t) => {
  const clientAuth = auth()
  let last = 0
  for (let i = 0; i < 100; i++) last = clientAuth.penaltyFor('10.0.0.1')
  t.equal(last, 10_000)
  t.end()
})

void t.test('failures from one address do not slow another', (t) => {
  const clientAuth = auth()
  for (let i = 0; i < 10; i++) clientAuth.penaltyFor('10.0.0.1')
  t.equal(clientAuth.penaltyFor('10.0.0.2'), 0)
  t.end()
})

void t.test('an address is forgiven ten minutes of clock time after its last failure', (t) => {
  const clock = new ManualClock()
  const clientAuth = auth({}, clock)
  for (let i = 0; i < 8; i++) clientAuth.penaltyFor('10.0.0.1')
  clock.advance(9 * 60_000)
  t.equal(clientAuth.penaltyFor('10.0.0.1'), 2000, 'the ninth failure, 9 minutes on')
  clock.advance(10 * 60_000 + 1)
  t.equal(clientAuth.penaltyFor('10.0.0.1'), 0, 'forgotten after 10 minutes')
  t.end()
})

void t.test('a refusal within the free failures is not held', async (t) => {
  const clientAuth = auth()
  let done = false
  void clientAuth.delayRefusal('10.0.0.1').then(() => (done = true))
  await flush()
  t.equal(done, true)
})

void t.test('a penalised refusal is held on the injected clock', async (t) => {
  const clock = new ManualClock()
  const clientAuth = auth({}, clock)
  for (let i = 0; i < 5; i++) await clientAuth.delayRefusal('10.0.0.1')

  let done = false
  void clientAuth.delayRefusal('10.0.0.1').then(() => (done = true))
  await flush()
  t.equal(done, false, 'held before any time passes')
  clock.advance(249)
  await flush()
  t.equal(done, false, 'held at 249 ms')
  clock.advance(1)
  await flush()
  t.equal(done, true, 'released at 250 ms')
})
