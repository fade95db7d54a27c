import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { CLIENT_TOKEN, tappedStack, type TappedStack } from '../helpers/proxy-fixture.js'
import { waitFor } from '../helpers/wait.js'

/**
 * A client that hangs up after its call left the queue: the call ends at once, takes no
 * further budget unit, is not sent again, and its request line says 499 (nginx's "client
 * closed request"), as every accepted call ends with one line.
 */

const MODEL = 'gemini-2.5-flash'
const GENERATE = `/v1beta/models/${MODEL}:generateContent`
const ONE_KEY = {
  keys: [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }],
  pools: { main: { keys: ['alpha-1'] } },
}

/** Sends one generate call that the returned function hangs up. */
function callToHangUp(stack: TappedStack) {
  const hangUp = new AbortController()
  const ended = fetch(`${stack.url}${GENERATE}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': CLIENT_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ parts: [{ text: 'are you there?' }] }] }),
    signal: hangUp.signal,
  }).then(
    (answer) => answer.status,
    () => 'hung up',
  )
  return { hangUp: () => hangUp.abort(), ended }
}

/** Resolves once keypool has seen every client connection close. */
async function clientsGone(stack: TappedStack): Promise<void> {
  const open = () =>
    new Promise<number>((resolve, reject) =>
      stack.keypool.server.getConnections((error, count) =>
        error ? reject(error) : resolve(count),
      ),
    )
  while ((await open()) > 0) await new Promise((resolve) => setTimeout(resolve, 5))
}

function goneLine(stack: TappedStack) {
  return stack.logs.find((line) => line.msg === 'request' && line.status === 499)
}

function requestsSpent(stack: TappedStack, now: number): number {
  return stack.keypool.store.snapshot(now).reduce((sum, budget) => sum + budget.rpd.used, 0)
}

t.test('a client gone during a backoff gets no second attempt and no second unit', async (t) => {
  const clock = new ManualClock()
  const stack = await tappedStack(t, { clock, config: ONE_KEY })
  stack.sim.faults.add({ kind: 'status', preset: 'overloaded', count: 1 })
  const call = callToHangUp(stack)
  await waitFor(() => stack.logs.some((l) => l.msg === 'retry on another key'), 'the backoff')

  call.hangUp()
  t.equal(await call.ended, 'hung up')
  await clientsGone(stack)
  clock.advance(60_000)

  await waitFor(() => goneLine(stack) !== undefined, 'the request line')
  t.match(goneLine(stack), { status: 499, attempts: 1, key: 'alpha-1' })
  t.equal(stack.tap.calls.length, 1, 'the call went upstream once')
  t.equal(requestsSpent(stack, clock.now()), 1, 'and took one budget unit')
})

t.test('a client gone while its answer is late is logged 499, not sent again', async (t) => {
  const stack = await tappedStack(t, { config: ONE_KEY })
  stack.sim.faults.add({ kind: 'firstByteDelay', ms: 1000, count: 1 })
  const call = callToHangUp(stack)
  await waitFor(() => stack.tap.calls.length === 1, 'the call upstream')

  call.hangUp()
  t.equal(await call.ended, 'hung up')

  await waitFor(() => goneLine(stack) !== undefined, 'the request line')
  t.match(goneLine(stack), { status: 499, attempts: 1 })
  t.equal(stack.tap.calls.length, 1, 'sent once')
})
