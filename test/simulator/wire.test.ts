import t from 'tap'
import { gunzipSync } from 'node:zlib'
import { GENERATE_PATH, raw, rawJson, startSim, textBody } from '../helpers/sim-clients.js'

const STREAM_PATH = '/v1beta/models/gemini-2.5-flash:streamGenerateContent'

t.test('SSE chunks are compact data: lines framed with CRLF CRLF and no [DONE]', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 3 })
  const answer = await rawJson(sim, `${STREAM_PATH}?alt=sse`, textBody('frame me'))
  t.equal(answer.headers['content-type'], 'text/event-stream')
  const events = answer.text.split('\r\n\r\n')
  t.equal(events.pop(), '', 'the body ends with a separator')
  t.equal(events.length, 3)
  for (const event of events) {
    t.match(event, /^data: \{.*\}$/)
    t.notOk(event.includes('\n'), 'each event is one line of compact JSON')
  }
  t.notOk(answer.text.includes('[DONE]'))
})

t.test('without alt=sse the stream is one JSON array of responses', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 3 })
  const answer = await rawJson(sim, STREAM_PATH, textBody('array me'))
  t.match(answer.headers['content-type'], /^application\/json/)
  t.ok(answer.text.startsWith('[{'))
  const chunks = answer.json as Array<{ candidates: Array<{ finishReason?: string }> }>
  t.equal(chunks.length, 3)
  t.equal(chunks[2]!.candidates[0]!.finishReason, 'STOP')
})

t.test('the key is also accepted as ?key= on native routes', async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(sim, `${GENERATE_PATH}?key=sim-key-gamma-1`, textBody('q'), null)
  t.equal(answer.status, 200)
  t.match(sim.calls.at(-1), { key: 'sim-key-gamma-1', project: 'gamma' })
})

t.test('doubled slashes in the path are tolerated', async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(
    sim,
    `//v1beta//models/gemini-2.5-flash:generateContent`,
    textBody('q'),
  )
  t.equal(answer.status, 200)
})

t.test("an unknown key gets Google's API_KEY_INVALID body exactly", async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(sim, GENERATE_PATH, textBody('q'), 'AIzaUnknown')
  t.equal(answer.status, 400)
  t.match(answer.headers['content-type'], /^application\/json/)
  t.same(answer.json, {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        {
          '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
          locale: 'en-US',
          message: 'API key not valid. Please pass a valid API key.',
        },
      ],
    },
  })
})

t.test('a call without any key gets 403 PERMISSION_DENIED', async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(sim, GENERATE_PATH, textBody('q'), null)
  t.equal(answer.status, 403)
  t.match(answer.json, { error: { code: 403, status: 'PERMISSION_DENIED' } })
})

t.test('a Bearer token on a native route gets 401 ACCESS_TOKEN_TYPE_UNSUPPORTED', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', GENERATE_PATH, {
    headers: { authorization: 'Bearer sim-key-alpha-1' },
    body: JSON.stringify(textBody('q')),
  })
  t.equal(answer.status, 401)
  t.match(answer.json, {
    error: {
      status: 'UNAUTHENTICATED',
      details: [
        {
          reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
          metadata: {
            method: 'google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent',
          },
        },
      ],
    },
  })
})

t.test('a key together with a Bearer token gets 401 OVERLOADED_CREDENTIALS', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', GENERATE_PATH, {
    headers: { authorization: 'Bearer other', 'x-goog-api-key': 'sim-key-alpha-1' },
    body: JSON.stringify(textBody('q')),
  })
  t.equal(answer.status, 401)
  t.match(answer.json, { error: { details: [{ reason: 'OVERLOADED_CREDENTIALS' }] } })
})

t.test('a malformed JSON body gets 400 INVALID_ARGUMENT', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', GENERATE_PATH, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1' },
    body: '{"contents": [',
  })
  t.equal(answer.status, 400)
  t.match(answer.json, { error: { status: 'INVALID_ARGUMENT' } })
})

t.test('a generate call without contents gets 400 INVALID_ARGUMENT', async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(sim, GENERATE_PATH, {})
  t.equal(answer.status, 400)
  t.match(answer.json, { error: { message: /contents is not specified/ } })
})

t.test('an unknown route gets a JSON 404', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'GET', '/v2/nothing/here')
  t.equal(answer.status, 404)
  t.match(answer.json, { error: { code: 404, status: 'NOT_FOUND' } })
})

t.test('a DELETE may carry an empty JSON object', async (t) => {
  const { sim } = await startSim(t)
  const created = await rawJson(sim, '/v1beta/cachedContents', {
    model: 'models/gemini-2.5-flash',
    contents: [{ parts: [{ text: 'ctx' }] }],
  })
  const name = (created.json as { name: string }).name
  const answer = await raw(sim, 'DELETE', `/v1beta/${name}`, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1', 'content-type': 'application/json' },
    body: '{}',
  })
  t.equal(answer.status, 200)
})

t.test('answers are gzipped when the client accepts gzip, as Google does', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', GENERATE_PATH, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1', 'accept-encoding': 'gzip, deflate' },
    body: JSON.stringify(textBody('zip it')),
  })
  t.equal(answer.headers['content-encoding'], 'gzip')
  const body = JSON.parse(gunzipSync(answer.body).toString('utf8')) as { candidates: unknown[] }
  t.equal(body.candidates.length, 1)

  const plain = await rawJson(sim, GENERATE_PATH, textBody('zip it'))
  t.equal(plain.headers['content-encoding'], undefined, 'no gzip unless asked')
})

t.test('errors and streams are gzipped too when asked', async (t) => {
  const { sim } = await startSim(t)
  const headers = { 'x-goog-api-key': 'bad-key', 'accept-encoding': 'gzip' }
  const error = await raw(sim, 'POST', GENERATE_PATH, { headers, body: '{}' })
  t.equal(error.headers['content-encoding'], 'gzip')
  t.match(JSON.parse(gunzipSync(error.body).toString()), { error: { code: 400 } })

  const stream = await raw(sim, 'POST', `${STREAM_PATH}?alt=sse`, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1', 'accept-encoding': 'gzip' },
    body: JSON.stringify(textBody('zip the stream')),
  })
  t.equal(stream.headers['content-encoding'], 'gzip')
  t.match(gunzipSync(stream.body).toString(), /^data: \{/)
})

t.test('latencyMs delays model calls by real milliseconds', async (t) => {
  const { sim } = await startSim(t, { latencyMs: 40 })
  const started = performance.now()
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('slow'))).status, 200)
  t.ok(performance.now() - started >= 35, 'the generate call waited')
})

t.test('latencyMs leaves calls that are not model calls alone', async (t) => {
  const { sim } = await startSim(t, { latencyMs: 600_000 })
  const list = raw(sim, 'GET', '/v1beta/models', {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1' },
  })
  let guard: NodeJS.Timeout | undefined
  const tooSlow = new Promise((resolve) => (guard = setTimeout(resolve, 5000, 'too slow')))
  const first = await Promise.race([list, tooSlow])
  clearTimeout(guard)
  t.not(first, 'too slow', 'models.list answered without the ten-minute latency')
})
