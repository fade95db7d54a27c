import { ApiError } from '@google/genai'
import t from 'tap'
import {
  ALPHA,
  ALPHA_2,
  GENERATE_PATH,
  genai,
  raw,
  rawJson,
  startSim,
  textBody,
} from '../helpers/sim-clients.js'

/** Every chunk of a stream, and the error that ended it, if one did. */
async function readAll<T>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error: unknown }> {
  const chunks: T[] = []
  try {
    for await (const chunk of stream) chunks.push(chunk)
  } catch (error) {
    return { chunks, error }
  }
  return { chunks, error: undefined }
}

const SSE_PATH = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'

t.test('streamCut ends an SSE stream after N chunks with no finishReason', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamCut', afterChunks: 2 })
  const stream = await genai(sim).models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'cut me',
  })
  const reasons = []
  for await (const chunk of stream) reasons.push(chunk.candidates?.[0]?.finishReason ?? null)
  t.same(reasons, [null, null])
})

t.test('streamCut leaves a JSON-array stream unclosed', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamCut', afterChunks: 1 })
  const answer = await rawJson(sim, SSE_PATH.replace('?alt=sse', ''), textBody('cut'))
  t.ok(answer.text.startsWith('[{'))
  t.notOk(answer.text.endsWith(']'))
  t.equal(answer.json, undefined, 'the body is not valid JSON')
})

t.test('an abrupt streamCut resets the connection after the chunks', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamCut', afterChunks: 1, abrupt: true })
  await t.rejects(rawJson(sim, SSE_PATH, textBody('reset')))
})

t.test('stream faults leave unary calls alone', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'streamCut', afterChunks: 0, count: 1 })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('unary'))).status, 200)
  t.equal(sim.faults.list().length, 1, 'the fault is still armed')
})

t.test(
  'streamErrorTail as an event makes @google/genai throw got status UNAVAILABLE',
  async (t) => {
    const { sim } = await startSim(t, { streamChunks: 4 })
    sim.faults.add({ kind: 'streamErrorTail', afterChunks: 2, form: 'event' })
    const stream = await genai(sim).models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'fail midway',
    })
    const { chunks, error } = await readAll(stream)
    t.equal(chunks.length, 2)
    t.type(error, ApiError)
    t.match((error as ApiError).message, /got status: UNAVAILABLE/)
  },
)

t.test('streamErrorTail as a raw JSON tail makes @google/genai throw as well', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamErrorTail', afterChunks: 2 })
  const stream = await genai(sim).models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'fail midway',
  })
  const { error } = await readAll(stream)
  t.match((error as ApiError).message, /got status: UNAVAILABLE/)
})

t.test('streamErrorTail writes a raw pretty-printed error after the SSE chunks', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamErrorTail', afterChunks: 1, preset: 'perMinute' })
  const answer = await rawJson(sim, SSE_PATH, textBody('tail'))
  t.equal(answer.status, 200)
  const [event, tail] = answer.text.split('\r\n\r\n')
  t.match(event, /^data: \{/)
  t.ok(tail?.startsWith('{\n  "error": {\n    "code": 429'), 'a pretty-printed JSON tail')
  t.match(JSON.parse(tail!), { error: { status: 'RESOURCE_EXHAUSTED' } })
})

t.test('streamErrorTail continues a JSON-array stream with the error object', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  sim.faults.add({ kind: 'streamErrorTail', afterChunks: 1 })
  const answer = await rawJson(sim, SSE_PATH.replace('?alt=sse', ''), textBody('tail'))
  const tail = answer.text.slice(answer.text.indexOf(',\r\n') + 3)
  t.match(JSON.parse(tail), { error: { code: 503 } })
})

t.test('firstByteDelay holds the headers back for real milliseconds', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'firstByteDelay', ms: 40, count: 1 })
  const started = performance.now()
  const answer = await rawJson(sim, GENERATE_PATH, textBody('slow'))
  t.equal(answer.status, 200)
  t.ok(performance.now() - started >= 35, 'the answer came after the delay')
})

t.test('firstByteDelay also delays an error answer', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'firstByteDelay', ms: 30, count: 1 })
  sim.faults.add({ kind: 'status', preset: 'overloaded', count: 1 })
  const started = performance.now()
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('slow'))).status, 503)
  t.ok(performance.now() - started >= 25)
})

t.test('dropAfterBody reads the call, charges it and answers nothing', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'dropAfterBody', count: 1 })
  const error = await genai(sim)
    .models.generateContent({ model: 'gemini-2.5-flash', contents: 'lost' })
    .catch((e: unknown) => e)
  t.type(error, Error, '@google/genai sees a network error')
  t.match(sim.calls.at(-1), { status: 0, units: 1, path: GENERATE_PATH })
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 1, 'the call may have been billed')
})

t.test('invalidKey makes a known key answer API_KEY_INVALID', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'invalidKey', key: ALPHA_2 })
  const error = (await genai(sim, ALPHA_2)
    .models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 400)
  t.match(error.message, /API_KEY_INVALID/)
  t.match(sim.calls.at(-1), { key: ALPHA_2, project: null, status: 400 })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('x'), ALPHA)).status, 200)
})

t.test('faults are armed, listed and cleared over HTTP under /__sim/', async (t) => {
  const { sim } = await startSim(t)
  const json = { 'content-type': 'application/json' }
  const added = await raw(sim, 'POST', '/__sim/faults', {
    headers: json,
    body: JSON.stringify({ kind: 'status', preset: 'overloaded', model: 'gemini-2.5-flash' }),
  })
  t.match(added.json, { id: /^fault-/ })
  t.match((await raw(sim, 'GET', '/__sim/faults')).json, { faults: [{ preset: 'overloaded' }] })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('x'))).status, 503)
  t.equal((await raw(sim, 'DELETE', '/__sim/faults')).status, 200)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('x'))).status, 200)
})

t.test('a malformed fault sent over HTTP is refused with the reason', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', '/__sim/faults', {
    body: JSON.stringify({ kind: 'status', preset: 'nope' }),
  })
  t.equal(answer.status, 400)
  t.match(answer.json, { error: /preset must be one of/ })
  t.same(sim.faults.list(), [])
})

t.test('one fault is removed over HTTP by its id', async (t) => {
  const { sim } = await startSim(t)
  const id = sim.faults.add({ kind: 'dropAfterBody' })
  t.equal((await raw(sim, 'DELETE', `/__sim/faults/${id}`)).status, 200)
  t.equal((await raw(sim, 'DELETE', `/__sim/faults/${id}`)).status, 404)
})
