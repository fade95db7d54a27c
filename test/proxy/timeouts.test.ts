import t from 'tap'
import { CLIENT_TOKEN, tappedStack } from '../helpers/proxy-fixture.js'
import { errorInfo, rawCall } from '../helpers/upstream-tap.js'

/**
 * Every timer derives from the config, never from a library default (design section 6): cases
 * C11 and C12 scaled down to seconds. These are the only tests that wait on real time.
 */

const AUTH = { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_TOKEN }
const PROMPT = '{"contents":[{"parts":[{"text":"take your time"}]}]}'
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'

t.test('C11: an answer that takes 2 s passes under requestTimeout 3s', async (t) => {
  const stack = await tappedStack(t, { config: { server: { requestTimeout: '3s' } } })
  stack.sim.faults.add({ kind: 'firstByteDelay', ms: 2000 })
  const started = Date.now()
  const answer = await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body: PROMPT })
  t.equal(answer.status, 200)
  t.ok(Date.now() - started >= 2000, 'the answer really took 2 s')
  t.match(answer.json, { candidates: [{ finishReason: 'STOP' }] })
})

t.test(
  'C11: an answer that takes 2 s is cut under requestTimeout 1s with 504 in Google shape',
  async (t) => {
    const stack = await tappedStack(t, { config: { server: { requestTimeout: '1s' } } })
    stack.sim.faults.add({ kind: 'firstByteDelay', ms: 2000 })
    const started = Date.now()
    const answer = await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body: PROMPT })
    const tookMs = Date.now() - started
    t.equal(answer.status, 504)
    t.match(answer.json, {
      error: { code: 504, status: 'DEADLINE_EXCEEDED', message: /requestTimeout \(1s\)/ },
    })
    t.match(errorInfo(answer.json), { domain: 'keypool', reason: 'UPSTREAM_TIMEOUT' })
    t.ok(
      tookMs >= 1000 && tookMs < 2000,
      `cut at the configured second, before the answer (${tookMs} ms)`,
    )
    t.equal(stack.tap.calls.length, 1, 'a generate call that may have been billed is not resent')
  },
)

t.test('C12: a stream silent 1.5 s before its first event is delivered whole', async (t) => {
  const stack = await tappedStack(t, {
    config: { server: { requestTimeout: '3s', streamIdleTimeout: '3s' } },
    sim: { streamChunks: 5 },
  })
  stack.sim.faults.add({ kind: 'firstByteDelay', ms: 1500 })
  const started = Date.now()
  const answer = await rawCall(stack.url, 'POST', STREAM, { headers: AUTH, body: PROMPT })
  t.equal(answer.status, 200)
  t.ok(Date.now() - started >= 1500, 'the stream really was silent 1.5 s')
  const events = answer.text.split('\r\n\r\n').filter(Boolean)
  t.equal(events.length, 5, 'all five events arrived')
  t.match(events.at(-1), /"finishReason":"STOP"/)
  t.notOk(
    stack.logs.some((l) => l.msg === 'stream broken'),
    'the stream is not logged as broken',
  )
})
