import { createServer, request } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { systemClock } from '../../src/util/clock.js'
import { CLIENT_TOKEN, tappedStack } from '../helpers/proxy-fixture.js'
import { startStack } from '../helpers/stack.js'
import { errorInfo, rawCall, type RawReply } from '../helpers/upstream-tap.js'

/**
 * Bad input and a bad upstream: what is not keypool's to judge goes to the upstream as it is,
 * what keypool refuses is refused in Google's shape before anything is sent, and nothing hangs.
 */

const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'
const AUTH = { 'content-type': 'application/json', 'x-goog-api-key': CLIENT_TOKEN }

/** An origin where nothing listens: a port that was free a moment ago. */
async function deadOrigin(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** Sends `size` bytes in chunks with no content-length, so only counting can refuse them. */
function chunkedPost(url: string, path: string, size: number): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: AUTH }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const text = body.toString('utf8')
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text,
          json: JSON.parse(text),
        })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    const piece = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = (): void => {
      while (sent < size) {
        sent += piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

function assertGoogleShape(t: Test, answer: RawReply, code: number, status: string): void {
  t.equal(answer.status, code)
  t.match(answer.headers['content-type'], /^application\/json/)
  t.match(answer.json, { error: { code, status, message: /^keypool/ } })
  t.match(errorInfo(answer.json), { domain: 'keypool', reason: String })
}

t.test(
  'malformed JSON goes upstream unchanged and the upstream 400 comes back as it was',
  async (t) => {
    const stack = await tappedStack(t)
    const body = '{"contents": [{"parts": [{"text": "unfinished'
    const answer = await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body })
    t.equal(answer.status, 400)
    t.equal(stack.tap.calls.length, 1, 'sent once, never retried')
    const call = stack.tap.calls[0]!
    await call.done
    t.equal(call.body.toString(), body, 'the upstream got the same bytes')
    t.ok(answer.body.equals(call.answer), "the client got the upstream's answer unchanged")
    t.match(answer.json, { error: { code: 400, status: 'INVALID_ARGUMENT' } })
    t.notOk(errorInfo(answer.json)?.domain === 'keypool', "it is Google's error, not keypool's")
  },
)

t.test('C18: a generateContent with 15 MB of inline_data passes through', async (t) => {
  const stack = await tappedStack(t)
  const data = Buffer.alloc(11_250_000, 7).toString('base64')
  const body = JSON.stringify({
    contents: [
      {
        role: 'user',
        parts: [{ inline_data: { mime_type: 'image/png', data } }, { text: 'describe' }],
      },
    ],
  })
  t.ok(body.length > 15_000_000, `the body is ${body.length} bytes`)
  const answer = await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body })
  t.equal(answer.status, 200)
  t.match(answer.json, { candidates: [{ finishReason: 'STOP' }] })
  t.equal(stack.tap.calls[0]!.body.length, body.length, 'every byte reached the upstream')
})

t.test(
  'a body declared larger than maxBodySize gets 413 in Google shape before anything is sent',
  async (t) => {
    const stack = await tappedStack(t, { config: { server: { maxBodySize: '1mb' } } })
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'x'.repeat(2 * 1024 * 1024) }] }] })
    const answer = await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body })
    assertGoogleShape(t, answer, 413, 'INVALID_ARGUMENT')
    t.equal(errorInfo(answer.json)?.reason, 'BODY_TOO_LARGE')
    t.equal(stack.tap.calls.length, 0, 'nothing went upstream')
  },
)

t.test('an upload declared larger than maxBodySize gets 413 before anything is sent', async (t) => {
  const stack = await tappedStack(t, { config: { server: { maxBodySize: '1mb' } } })
  const answer = await rawCall(stack.url, 'POST', '/upload/v1beta/files', {
    headers: {
      'x-goog-api-key': CLIENT_TOKEN,
      'x-goog-upload-protocol': 'multipart',
      'content-type': 'multipart/related; boundary=b',
    },
    body: Buffer.alloc(2 * 1024 * 1024),
  })
  assertGoogleShape(t, answer, 413, 'INVALID_ARGUMENT')
  t.equal(stack.tap.calls.length, 0, 'nothing went upstream')
})

t.test('a chunked body that grows past maxBodySize gets 413 in Google shape', async (t) => {
  const stack = await tappedStack(t, { config: { server: { maxBodySize: '1mb' } } })
  const answer = await chunkedPost(stack.url, GENERATE, 3 * 1024 * 1024)
  assertGoogleShape(t, answer, 413, 'INVALID_ARGUMENT')
  t.equal(stack.tap.calls.length, 0, 'nothing went upstream')
})

t.test('a body at exactly maxBodySize is accepted', async (t) => {
  const stack = await tappedStack(t, { config: { server: { maxBodySize: '1kb' } } })
  const prefix = '{"contents":[{"parts":[{"text":"'
  const suffix = '"}]}]}'
  const body = prefix + 'y'.repeat(1024 - prefix.length - suffix.length) + suffix
  t.equal(body.length, 1024)
  t.equal((await rawCall(stack.url, 'POST', GENERATE, { headers: AUTH, body })).status, 200)
})

t.test('a path outside the proxied prefixes gets 404 NOT_FOUND in Google shape', async (t) => {
  const stack = await tappedStack(t)
  for (const path of [
    '/',
    '/v2/models',
    '/generateContent',
    '/keypool/nothing-here',
    '/upload/v9/files',
  ]) {
    const answer = await rawCall(stack.url, 'GET', path, {
      headers: { 'x-goog-api-key': CLIENT_TOKEN },
    })
    assertGoogleShape(t, answer, 404, 'NOT_FOUND')
  }
  t.equal(stack.tap.calls.length, 0)
})

t.test(
  'an unreachable upstream gives 503 UNAVAILABLE in Google shape, and keypool keeps serving',
  async (t) => {
    const dead = await deadOrigin()
    const stack = await startStack(t, {
      clock: systemClock,
      upstream: () => dead,
      config: { retry: { maxAttempts: 3, backoff: { base: '1ms', max: '5ms' } } },
    })
    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: { 'content-type': 'application/json' },
      body: '{"contents":[{"parts":[{"text":"hi"}]}]}',
    })
    assertGoogleShape(t, answer, 503, 'UNAVAILABLE')
    t.equal(errorInfo(answer.json)?.reason, 'UPSTREAM_UNREACHABLE')
    t.equal((await rawCall(stack.url, 'GET', '/keypool/health')).status, 200, 'still serving')
  },
)

t.test(
  'an upstream that drops a generate call after reading it gives 502 UNKNOWN, not a resend',
  async (t) => {
    const stack = await tappedStack(t, { clock: systemClock })
    stack.sim.faults.add({ kind: 'dropAfterBody' })
    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: AUTH,
      body: '{"contents":[{"parts":[{"text":"hi"}]}]}',
    })
    assertGoogleShape(t, answer, 502, 'UNKNOWN')
    t.equal(stack.tap.calls.length, 1, 'the call that may have been billed was not resent')
    t.equal((await rawCall(stack.url, 'GET', '/keypool/health')).status, 200, 'still serving')
  },
)

t.test(
  'an upstream that answers with something other than HTTP gives 502 in Google shape',
  async (t) => {
    const junk = createNetServer((socket) => {
      socket.on('error', () => {})
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'))
    })
    await new Promise<void>((resolve) => junk.listen(0, '127.0.0.1', resolve))
    t.teardown(() => new Promise<void>((resolve) => junk.close(() => resolve())))
    const origin = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`
    const stack = await startStack(t, { clock: systemClock, upstream: () => origin })
    const answer = await rawCall(stack.url, 'POST', GENERATE, {
      headers: { 'content-type': 'application/json' },
      body: '{"contents":[{"parts":[{"text":"hi"}]}]}',
    })
    assertGoogleShape(t, answer, 502, 'UNKNOWN')
    t.equal((await rawCall(stack.url, 'GET', '/keypool/health')).status, 200, 'still serving')
  },
)
