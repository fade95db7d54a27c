import type { IncomingHttpHeaders } from 'node:http'
import t, { type Test } from 'tap'
import { configSchema, type ConfigInput } from '../../src/config/schema.js'
import { KeypoolError } from '../../src/errors/keypool-error.js'
import { callOptions } from '../../src/server/call-options.js'

function config(overrides: Partial<ConfigInput> = {}) {
  return configSchema.parse({
    keys: [{ id: 'k1', key: 'AIza-test' }],
    pools: { main: { keys: ['k1'] } },
    ...overrides,
  })
}

/** queue.maxWait 2m and server.requestTimeout 10m, the schema defaults. */
const DEFAULTS = config()

/** The error callOptions throws for these headers, or undefined when it accepts them. */
function refusal(headers: IncomingHttpHeaders): unknown {
  try {
    callOptions(headers, DEFAULTS)
    return undefined
  } catch (error) {
    return error
  }
}

function badHeader(t: Test, headers: IncomingHttpHeaders, name: string): void {
  const error = refusal(headers)
  t.ok(error instanceof KeypoolError, `${JSON.stringify(headers)} is refused`)
  t.match(error, { code: 'KP_ERR_BAD_HEADER', httpStatus: 400, message: new RegExp(name) })
}

void t.test(
  'without headers the allowed wait is queue.maxWait and the total requestTimeout',
  (t) => {
    t.same(callOptions({}, DEFAULTS), {
      allowedWaitMs: 120_000,
      totalMs: 600_000,
      priority: undefined,
      bypassCache: false,
    })
    t.end()
  },
)

void t.test('x-keypool-max-wait takes a duration', (t) => {
  t.equal(callOptions({ 'x-keypool-max-wait': '30s' }, DEFAULTS).allowedWaitMs, 30_000)
  t.equal(callOptions({ 'x-keypool-max-wait': '1500ms' }, DEFAULTS).allowedWaitMs, 1500)
  t.end()
})

void t.test('x-keypool-max-wait takes bare seconds, fractions included', (t) => {
  t.equal(callOptions({ 'x-keypool-max-wait': '45' }, DEFAULTS).allowedWaitMs, 45_000)
  t.equal(callOptions({ 'x-keypool-max-wait': '2.5' }, DEFAULTS).allowedWaitMs, 2500)
  t.equal(callOptions({ 'x-keypool-max-wait': '0' }, DEFAULTS).allowedWaitMs, 0)
  t.end()
})

void t.test('x-keypool-max-wait is capped by queue.maxWait', (t) => {
  t.equal(callOptions({ 'x-keypool-max-wait': '10m' }, DEFAULTS).allowedWaitMs, 120_000)
  t.end()
})

void t.test('x-keypool-max-wait leaves the total untouched', (t) => {
  t.equal(callOptions({ 'x-keypool-max-wait': '5s' }, DEFAULTS).totalMs, 600_000)
  t.end()
})

void t.test('X-Server-Timeout bounds both the queue wait and the total', (t) => {
  const options = callOptions({ 'x-server-timeout': '20' }, DEFAULTS)
  t.equal(options.allowedWaitMs, 20_000)
  t.equal(options.totalMs, 20_000)
  t.end()
})

void t.test('a long X-Server-Timeout is capped by requestTimeout and queue.maxWait', (t) => {
  const options = callOptions({ 'x-server-timeout': '3600' }, DEFAULTS)
  t.equal(options.allowedWaitMs, 120_000)
  t.equal(options.totalMs, 600_000)
  t.end()
})

void t.test('a requestTimeout shorter than queue.maxWait bounds the wait', (t) => {
  const short = config({ server: { requestTimeout: '60s' }, queue: { maxWait: '2m' } })
  t.equal(callOptions({}, short).allowedWaitMs, 60_000)
  t.equal(callOptions({ 'x-keypool-max-wait': '90s' }, short).allowedWaitMs, 60_000)
  t.end()
})

void t.test('the allowed wait is the least of the four, whichever that is', (t) => {
  const cfg = config({ server: { requestTimeout: '40s' }, queue: { maxWait: '30s' } })
  const wait = (maxWait: string, serverTimeout: string) =>
    callOptions({ 'x-keypool-max-wait': maxWait, 'x-server-timeout': serverTimeout }, cfg)
      .allowedWaitMs
  t.equal(wait('10s', '20'), 10_000, 'x-keypool-max-wait')
  t.equal(wait('25s', '15'), 15_000, 'X-Server-Timeout')
  t.equal(wait('35s', '50'), 30_000, 'queue.maxWait')
  const longQueue = config({ server: { requestTimeout: '40s' }, queue: { maxWait: '5m' } })
  t.equal(callOptions({ 'x-keypool-max-wait': '1m' }, longQueue).allowedWaitMs, 40_000)
  t.end()
})

void t.test('an x-keypool-max-wait that is not a duration is a bad header', (t) => {
  for (const value of ['soon', '-5', '', '30 s', '5w', '1e3', 's']) {
    badHeader(t, { 'x-keypool-max-wait': value }, 'x-keypool-max-wait')
  }
  t.end()
})

void t.test('an X-Server-Timeout that is not a positive number is a bad header', (t) => {
  for (const value of ['abc', '0', '-1', '', 'Infinity', '30s']) {
    badHeader(t, { 'x-server-timeout': value }, 'x-server-timeout')
  }
  t.end()
})

void t.test('x-keypool-priority is read as an integer', (t) => {
  t.equal(callOptions({ 'x-keypool-priority': '3' }, DEFAULTS).priority, 3)
  t.equal(callOptions({ 'x-keypool-priority': ' -2 ' }, DEFAULTS).priority, -2)
  t.end()
})

void t.test('an x-keypool-priority that is not an integer is a bad header', (t) => {
  for (const value of ['high', '1.5', '', '1234567']) {
    badHeader(t, { 'x-keypool-priority': value }, 'x-keypool-priority')
  }
  t.end()
})

void t.test('x-keypool-cache: bypass asks to bypass the cache', (t) => {
  t.equal(callOptions({ 'x-keypool-cache': 'bypass' }, DEFAULTS).bypassCache, true)
  t.equal(callOptions({ 'x-keypool-cache': 'no' }, DEFAULTS).bypassCache, false)
  t.end()
})

void t.test('a bad header error renders as a 400 INVALID_ARGUMENT in Google shape', (t) => {
  const error = refusal({ 'x-keypool-max-wait': 'soon' })
  t.ok(error instanceof KeypoolError)
  const body = (error as KeypoolError).toGoogleBody()
  t.equal(body.error.code, 400)
  t.equal(body.error.status, 'INVALID_ARGUMENT')
  t.match(body.error.message, /x-keypool-max-wait.*"soon"/)
  t.end()
})
