import { GoogleGenAI } from '@google/genai'
import t, { type Test } from 'tap'
import { noEvents } from '../../src/observe/events.js'
import type { Usage } from '../../src/gemini/usage.js'
import {
  assertOnlyRealKeys,
  CLIENT_TOKEN,
  REAL_KEYS,
  tappedStack,
  upstreamCredentials,
} from '../helpers/proxy-fixture.js'
import { headerValues, rawCall, type TappedCall } from '../helpers/upstream-tap.js'

/**
 * The client's credential is removed in every form and exactly one real key goes upstream in
 * the form the route needs (design section 5, gemini-wire §2.6); keypool's own headers and
 * accept-encoding never leave.
 */

const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent'
const CHAT = '/v1beta/openai/chat/completions'
const PROMPT = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] })
const CHAT_BODY = JSON.stringify({
  model: 'gemini-2.5-flash',
  messages: [{ role: 'user', content: 'hi' }],
})
const JSON_TYPE = { 'content-type': 'application/json' }

function only(t: Test, calls: TappedCall[]): TappedCall {
  t.equal(calls.length, 1, 'one call went upstream')
  return calls[0]!
}

t.test(
  'a token in x-goog-api-key goes upstream as one real x-goog-api-key on a native route',
  async (t) => {
    const stack = await tappedStack(t)
    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: { ...JSON_TYPE, 'x-goog-api-key': CLIENT_TOKEN },
      body: PROMPT,
    })
    t.equal(answer.status, 200)
    const call = only(t, stack.tap.calls)
    const sent = upstreamCredentials(call.rawHeaders, call.url)
    t.equal(sent.header.length, 1)
    t.ok(REAL_KEYS.includes(sent.header[0]!))
    t.same(sent.authorization, [], 'a native route never gets an Authorization header')
    t.same(sent.query, [])
    assertOnlyRealKeys(t, stack)
  },
)

t.test(
  'a token in ?key= comes back upstream as ?key= with a real key, other parameters kept',
  async (t) => {
    const stack = await tappedStack(t)
    const answer = await rawCall(stack.url, 'POST', `${STREAM}?key=${CLIENT_TOKEN}&alt=sse`, {
      headers: JSON_TYPE,
      body: PROMPT,
    })
    t.equal(answer.status, 200)
    t.match(answer.headers['content-type'], /text\/event-stream/, 'alt=sse reached the upstream')
    const call = only(t, stack.tap.calls)
    const realKey = stack.sim.calls[0]!.key!
    t.equal(call.url, `${STREAM}?alt=sse&key=${realKey}`)
    t.same(
      headerValues(call.rawHeaders, 'x-goog-api-key'),
      [],
      'no key header beside the query key',
    )
    t.same(headerValues(call.rawHeaders, 'authorization'), [])
    assertOnlyRealKeys(t, stack)
  },
)

t.test(
  'a Bearer token on a native route reaches the upstream as x-goog-api-key with no Authorization',
  async (t) => {
    const stack = await tappedStack(t)
    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: { ...JSON_TYPE, authorization: `Bearer ${CLIENT_TOKEN}` },
      body: PROMPT,
    })
    t.equal(answer.status, 200, 'Google would answer 401 had a Bearer token gone through')
    const call = only(t, stack.tap.calls)
    t.same(headerValues(call.rawHeaders, 'authorization'), [])
    t.equal(headerValues(call.rawHeaders, 'x-goog-api-key').length, 1)
    assertOnlyRealKeys(t, stack)
  },
)

t.test('on the OpenAI route every form of the token becomes one Bearer real key', async (t) => {
  const stack = await tappedStack(t)
  const forms: Array<{ path: string; headers: Record<string, string> }> = [
    { path: CHAT, headers: { authorization: `Bearer ${CLIENT_TOKEN}` } },
    { path: CHAT, headers: { 'x-goog-api-key': CLIENT_TOKEN } },
    { path: `${CHAT}?key=${CLIENT_TOKEN}`, headers: {} },
  ]
  for (const form of forms) {
    const answer = await rawCall(stack.url, 'POST', form.path, {
      headers: { ...JSON_TYPE, ...form.headers },
      body: CHAT_BODY,
    })
    t.equal(answer.status, 200)
  }
  t.equal(stack.tap.calls.length, 3)
  for (const call of stack.tap.calls) {
    t.equal(call.url, CHAT, 'no key in the query')
    const [bearer] = headerValues(call.rawHeaders, 'authorization')
    t.ok(
      REAL_KEYS.some((key) => bearer === `Bearer ${key}`),
      'a real key as the Bearer token',
    )
    t.same(headerValues(call.rawHeaders, 'x-goog-api-key'), [])
  }
  assertOnlyRealKeys(t, stack)
})

t.test(
  'a token sent in several forms at once still goes upstream as exactly one real key',
  async (t) => {
    const stack = await tappedStack(t)
    const both = {
      ...JSON_TYPE,
      'x-goog-api-key': CLIENT_TOKEN,
      authorization: `Bearer ${CLIENT_TOKEN}`,
    }
    t.equal(
      (await rawCall(stack.url, 'POST', GENERATE, { headers: both, body: PROMPT })).status,
      200,
    )
    const headerAndQuery = { ...JSON_TYPE, 'x-goog-api-key': CLIENT_TOKEN }
    const path = `${GENERATE}?key=${CLIENT_TOKEN}`
    t.equal(
      (await rawCall(stack.url, 'POST', path, { headers: headerAndQuery, body: PROMPT })).status,
      200,
    )
    t.equal(stack.tap.calls.length, 2)
    assertOnlyRealKeys(t, stack)
  },
)

t.test(
  'keypool headers and x-request-id are not forwarded, other client headers are',
  async (t) => {
    const stack = await tappedStack(t)
    const headers = {
      ...JSON_TYPE,
      'x-goog-api-key': CLIENT_TOKEN,
      'x-keypool-priority': '0',
      'x-keypool-max-wait': '30s',
      'x-keypool-cache': 'bypass',
      'x-request-id': 'trace-123',
      'x-goog-api-client': 'genai-js/0.24.1',
      'user-agent': 'test-agent/1.0',
      'x-server-timeout': '60',
    }
    const answer = await rawCall(stack.url, 'POST', GENERATE, { headers, body: PROMPT })
    t.equal(answer.status, 200)
    t.equal(
      answer.headers['x-request-id'],
      'trace-123',
      'the client still gets its request id back',
    )
    const names = only(t, stack.tap.calls)
      .rawHeaders.filter((_, i) => i % 2 === 0)
      .map((n) => n.toLowerCase())
    t.notOk(
      names.some((n) => n.startsWith('x-keypool-')),
      'no x-keypool-* header upstream',
    )
    t.notOk(names.includes('x-request-id'), 'no x-request-id upstream')
    for (const kept of ['x-goog-api-client', 'user-agent', 'x-server-timeout', 'content-type']) {
      t.ok(names.includes(kept), `${kept} is forwarded`)
    }
  },
)

t.test(
  'accept-encoding is removed upstream: keypool reads usage and the client gets the plain bytes',
  async (t) => {
    const usage: Usage[] = []
    const stack = await tappedStack(t, {
      observers: [{ ...noEvents, tokensUsed: (e) => usage.push(e.usage) }],
    })
    const direct = await rawCall(stack.sim.url, 'POST', GENERATE, {
      headers: { ...JSON_TYPE, 'x-goog-api-key': REAL_KEYS[0]!, 'accept-encoding': 'gzip' },
      body: PROMPT,
    })
    t.equal(
      direct.headers['content-encoding'],
      'gzip',
      'the simulator gzips when asked, as Google does',
    )
    stack.sim.clearCalls()

    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: {
        ...JSON_TYPE,
        'x-goog-api-key': CLIENT_TOKEN,
        'accept-encoding': 'gzip, deflate, br',
      },
      body: PROMPT,
    })
    t.equal(answer.status, 200)
    t.equal(answer.headers['content-encoding'], undefined, 'the client got plain bytes')
    const call = only(t, stack.tap.calls)
    t.same(headerValues(call.rawHeaders, 'accept-encoding'), [], 'no accept-encoding upstream')
    t.ok(answer.body.equals(call.answer), 'the client got the upstream bytes unchanged')
    t.equal(answer.json.usageMetadata.promptTokenCount, 2)
    t.match(usage, [{ prompt: 2 }], 'keypool read the usage from the answer')
  },
)

t.test('@google/genai asks keypool for gzip, yet the upstream is never asked for it', async (t) => {
  const usage: Usage[] = []
  const stack = await tappedStack(t, {
    observers: [{ ...noEvents, tokensUsed: (e) => usage.push(e.usage) }],
  })
  const ai = new GoogleGenAI({ apiKey: CLIENT_TOKEN, httpOptions: { baseUrl: stack.url } })
  const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' })
  t.match(answer.text, /^Simulated reply/)
  const call = only(t, stack.tap.calls)
  t.same(headerValues(call.rawHeaders, 'accept-encoding'), [])
  t.equal(usage.length, 1, 'usage was read from the uncompressed answer')
})
