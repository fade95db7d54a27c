import { ApiError, GoogleGenAI } from '@google/genai'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import {
  CLIENTS,
  CLIENT_TOKEN,
  REAL_KEYS,
  tappedStack,
  type TappedStack,
} from '../helpers/proxy-fixture.js'
import { startStack } from '../helpers/stack.js'
import { rawCall, type RawReply } from '../helpers/upstream-tap.js'
import { waitFor } from '../helpers/wait.js'

/**
 * Streams reach the client byte for byte as the upstream sent them, cut and error-ended ones
 * included (cases C09, C10); keypool invents no final event and logs the broken ones.
 */

const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent'
const PROMPT = JSON.stringify({
  contents: [{ role: 'user', parts: [{ text: 'tell me a story' }] }],
})

function streamThroughKeypool(stack: TappedStack, query = '?alt=sse'): Promise<RawReply> {
  return rawCall(stack.url, 'POST', STREAM + query, {
    headers: { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_TOKEN },
    body: PROMPT,
  })
}

function streamFromSimulator(stack: TappedStack, query = '?alt=sse'): Promise<RawReply> {
  return rawCall(stack.sim.url, 'POST', STREAM + query, {
    headers: { 'content-type': 'application/json', 'x-goog-api-key': REAL_KEYS[0]! },
    body: PROMPT,
  })
}

/** The upstream's answer to the one call keypool sent, as the tap saw it. */
async function upstreamBytes(t: Test, stack: TappedStack): Promise<Buffer> {
  t.equal(stack.tap.calls.length, 1, 'one call went upstream')
  await stack.tap.calls[0]!.done
  return stack.tap.calls[0]!.answer
}

/** Every answer gets its own responseId; the rest of two answers to one request is equal. */
function withoutIds(text: string): string {
  return text.replace(/"responseId":"[^"]*"/g, '"responseId":"-"')
}

function brokenLines(stack: TappedStack) {
  return stack.logs.filter((line) => line.msg === 'stream broken')
}

t.test('an SSE stream reaches the client byte for byte as the upstream sent it', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
  const answer = await streamThroughKeypool(stack)
  t.equal(answer.status, 200)
  t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
  t.equal(answer.text.split('\r\n\r\n').length - 1, 4, 'four CRLF-framed events')

  const direct = await streamFromSimulator(stack)
  t.equal(
    withoutIds(answer.text),
    withoutIds(direct.text),
    'the same as straight from the simulator',
  )
  t.same(brokenLines(stack), [], 'a stream that finished is not logged as broken')
})

t.test('a JSON-array stream (no alt=sse) reaches the client byte for byte', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 3 } })
  const answer = await streamThroughKeypool(stack, '')
  t.equal(answer.status, 200)
  t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
  t.equal(JSON.parse(answer.text).length, 3, 'one JSON array of three responses')

  const direct = await streamFromSimulator(stack, '')
  t.equal(
    withoutIds(answer.text),
    withoutIds(direct.text),
    'the same as straight from the simulator',
  )
  t.same(brokenLines(stack), [])
})

t.test(
  'C09: an SSE stream cut after two events reaches the client as sent, with no invented end',
  async (t) => {
    const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
    stack.sim.faults.add({ kind: 'streamCut', afterChunks: 2 })
    const answer = await streamThroughKeypool(stack)
    t.equal(answer.status, 200)
    t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
    const events = answer.text.split('\r\n\r\n').filter(Boolean)
    t.equal(events.length, 2, 'exactly the two events the upstream sent')
    t.notOk(answer.text.includes('finishReason'), 'keypool added no final event')
    t.ok(answer.text.endsWith('\r\n\r\n'), 'nothing after the last event')
    t.match(brokenLines(stack), [{ level: 40, reason: 'truncated', key: String }])
  },
)

t.test(
  'C09: a JSON-array stream cut after two chunks ends without the closing bracket',
  async (t) => {
    const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
    stack.sim.faults.add({ kind: 'streamCut', afterChunks: 2 })
    const answer = await streamThroughKeypool(stack, '')
    t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
    t.notOk(answer.text.endsWith(']'), 'keypool closed no array the upstream left open')
    t.match(brokenLines(stack), [{ reason: 'truncated' }])
  },
)

t.test('C10: a raw JSON error tail after a 200 reaches the client byte for byte', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
  stack.sim.faults.add({ kind: 'streamErrorTail', afterChunks: 2, form: 'raw' })
  const answer = await streamThroughKeypool(stack)
  t.equal(answer.status, 200)
  t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
  t.match(
    answer.text,
    /\r\n\r\n\{\n {2}"error": \{/,
    'the pretty-printed tail follows the second event',
  )
  t.equal(stack.sim.calls.length, 1, 'a stream that began is never retried')
  t.match(brokenLines(stack), [{ level: 40, reason: 'error-tail' }])
})

t.test(
  'C10: an error sent as a data: event after a 200 reaches the client byte for byte',
  async (t) => {
    const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
    stack.sim.faults.add({
      kind: 'streamErrorTail',
      afterChunks: 2,
      form: 'event',
      preset: 'highDemand',
    })
    const answer = await streamThroughKeypool(stack)
    t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
    const last = answer.text.split('\r\n\r\n').filter(Boolean).at(-1)!
    t.match(JSON.parse(last.slice('data: '.length)), {
      error: { code: 503, status: 'UNAVAILABLE' },
    })
    t.match(brokenLines(stack), [{ reason: 'error-tail' }])
  },
)

t.test(
  'C10: a raw error tail in a JSON-array stream reaches the client byte for byte',
  async (t) => {
    const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
    stack.sim.faults.add({ kind: 'streamErrorTail', afterChunks: 2, form: 'raw' })
    const answer = await streamThroughKeypool(stack, '')
    t.ok(answer.body.equals(await upstreamBytes(t, stack)), 'identical bytes')
    t.match(answer.text, /^\[\{.*\},\r\n\{\n {2}"error"/s)
    t.match(brokenLines(stack), [{ reason: 'error-tail' }])
  },
)

/** Two thought-only events and no finishReason, the way a turn cut while thinking looks. */
const THOUGHTS = [1, 2]
  .map((n) => {
    const part = { text: `Thinking, step ${n}`, thought: true }
    const usage = { promptTokenCount: 4, thoughtsTokenCount: 8 * n, totalTokenCount: 4 + 8 * n }
    const candidates = [{ content: { parts: [part], role: 'model' }, index: 0 }]
    const event = { candidates, usageMetadata: usage, modelVersion: 'gemini-2.5-flash' }
    return `data: ${JSON.stringify({ ...event, responseId: 'thought-only' })}\r\n\r\n`
  })
  .join('')

/** An upstream that answers every call with the thought-only stream above. */
async function startThinkingUpstream(t: Test): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(THOUGHTS)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test(
  'C10: a thought-only turn whose last event has no finishReason arrives byte for byte',
  async (t) => {
    const upstream = await startThinkingUpstream(t)
    const stack = await startStack(t, { upstream: () => upstream, config: { clients: CLIENTS } })
    const answer = await rawCall(stack.url, 'POST', `${STREAM}?alt=sse`, {
      headers: { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_TOKEN },
      body: PROMPT,
    })
    t.equal(answer.status, 200)
    t.equal(answer.text, THOUGHTS, 'exactly the upstream bytes, nothing appended')
    t.match(
      stack.logs.filter((l) => l.msg === 'stream broken'),
      [{ reason: 'truncated' }],
    )
  },
)

t.test('C10: @google/genai sees the error tail keypool passed through and throws it', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
  stack.sim.faults.add({ kind: 'streamErrorTail', afterChunks: 2, form: 'event' })
  const ai = new GoogleGenAI({ apiKey: CLIENT_TOKEN, httpOptions: { baseUrl: stack.url } })
  const texts: string[] = []
  const consume = async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'x',
    })
    for await (const chunk of stream) texts.push(chunk.text ?? '')
  }
  const error = await consume().then(
    () => undefined,
    (e: unknown) => e,
  )
  t.ok(error instanceof ApiError, 'the SDK threw its ApiError')
  t.match((error as Error).message, /UNAVAILABLE/)
  t.equal(texts.length, 2, 'the two events before the error were delivered')
})

t.test(
  'a stream the upstream resets mid-way ends with a reset at the client, not a clean end',
  async (t) => {
    const stack = await tappedStack(t, { sim: { streamChunks: 4 } })
    stack.sim.faults.add({ kind: 'streamCut', afterChunks: 2, abrupt: true })
    await t.rejects(streamThroughKeypool(stack), /aborted|closed before the answer ended/)
    await stack.tap.calls[0]!.done
    const breaks = () => brokenLines(stack)
    await waitFor(() => breaks().length > 0, 'the stream-broken log line')
    t.match(breaks(), [{ reason: 'socket' }])
  },
)
