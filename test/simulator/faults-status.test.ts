import { ApiError } from '@google/genai'
import t from 'tap'
import { projectNumber, STATUS_PRESETS, type StatusPreset } from '../../src/simulator/index.js'
import {
  ALPHA_2,
  BETA,
  GENERATE_PATH,
  genai,
  rawJson,
  startSim,
  textBody,
} from '../helpers/sim-clients.js'

interface ErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> }
}

t.test('a status fault answers 503 overloaded to @google/genai, for `count` calls', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'overloaded', count: 2 })
  const ai = genai(sim)
  const ask = () => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'q' })
  for (let i = 0; i < 2; i++) {
    const error = (await ask().catch((e: unknown) => e)) as ApiError
    t.equal(error.status, 503)
    t.match(error.message, 'The model is overloaded. Please try again later.')
  }
  t.ok((await ask()).text, 'the third call is served')
  t.match(sim.calls[0], { status: 503, units: 0, overLimit: false })
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 1, 'faulted calls are not charged')
})

t.test('a fault with `until` lasts until that clock time', async (t) => {
  const { sim, clock } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'internal', until: clock.now() + 5000 })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'))).status, 500)
  clock.advance(4999)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('b'))).status, 500)
  clock.advance(1)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('c'))).status, 200)
  t.same(sim.faults.list(), [], 'the expired fault is gone')
})

t.test('a fault applies only to the calls it matches', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'overloaded', model: 'gemini-2.5-pro' })
  sim.faults.add({ kind: 'status', preset: 'internal', key: ALPHA_2 })
  sim.faults.add({ kind: 'status', preset: 'deadline', project: 'beta' })
  sim.faults.add({ kind: 'status', preset: 'bare429', operation: 'embed' })
  const pro = '/v1beta/models/gemini-2.5-pro:generateContent'
  t.equal((await rawJson(sim, pro, textBody('a'))).status, 503)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'))).status, 200)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'), ALPHA_2)).status, 500)
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('a'), BETA)).status, 504)
  const embed = await rawJson(sim, '/v1beta/models/gemini-embedding-001:embedContent', {
    content: { parts: [{ text: 'x' }] },
  })
  t.equal(embed.status, 429)
})

const EXPECTED: Record<StatusPreset, { code: number; status: string; check: RegExp | null }> = {
  overloaded: { code: 503, status: 'UNAVAILABLE', check: /overloaded/ },
  highDemand: { code: 503, status: 'UNAVAILABLE', check: /high demand/ },
  internal: { code: 500, status: 'INTERNAL', check: /internal error/ },
  deadline: { code: 504, status: 'DEADLINE_EXCEEDED', check: /Deadline expired/ },
  perMinute: { code: 429, status: 'RESOURCE_EXHAUSTED', check: /PerMinute/ },
  perDay: { code: 429, status: 'RESOURCE_EXHAUSTED', check: /PerDay/ },
  bare429: { code: 429, status: 'RESOURCE_EXHAUSTED', check: /Resource has been exhausted/ },
  limitZero: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    check: /limit: 0, model: gemini-2.5-flash/,
  },
  apiKeyInvalid: { code: 400, status: 'INVALID_ARGUMENT', check: /API_KEY_INVALID/ },
  leaked: { code: 403, status: 'PERMISSION_DENIED', check: /reported as leaked/ },
  serviceDisabled: { code: 403, status: 'PERMISSION_DENIED', check: /SERVICE_DISABLED/ },
  billing: { code: 402, status: 'FAILED_PRECONDITION', check: /prepayment credits/ },
  locationUnsupported: {
    code: 400,
    status: 'FAILED_PRECONDITION',
    check: /User location is not supported for the API use\./,
  },
}

t.test('every status preset answers its status in Google’s envelope', async (t) => {
  const { sim } = await startSim(t)
  for (const preset of STATUS_PRESETS) {
    sim.faults.add({ kind: 'status', preset, count: 1 })
    const answer = await rawJson(sim, GENERATE_PATH, textBody('q'))
    const expected = EXPECTED[preset]
    t.equal(answer.status, expected.code, `${preset}: HTTP status`)
    t.match(answer.headers['content-type'], /^application\/json/)
    const body = answer.json as ErrorBody
    t.match(body.error, { code: expected.code, status: expected.status }, `${preset}: envelope`)
    t.match(answer.text, expected.check ?? /./, `${preset}: content`)
  }
})

t.test('the per-minute preset carries the retryDelay it was given', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'perMinute', retryDelay: '37.5s' })
  const body = (await rawJson(sim, GENERATE_PATH, textBody('q'))).json as ErrorBody
  t.match(body.error.details, [
    {
      violations: [
        { quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaValue: '10' },
      ],
    },
    {},
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37.5s' },
  ])
})

t.test('the bare 429 preset has no details at all', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'bare429' })
  const body = (await rawJson(sim, GENERATE_PATH, textBody('q'))).json as ErrorBody
  t.same(body, {
    error: {
      code: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      status: 'RESOURCE_EXHAUSTED',
    },
  })
})

t.test('the SERVICE_DISABLED preset names the project number of the key', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'serviceDisabled' })
  const body = (await rawJson(sim, GENERATE_PATH, textBody('q'), BETA)).json as ErrorBody
  const number = projectNumber('beta')
  t.match(number, /^\d{12}$/)
  t.match(body.error.message, `project ${number} before or it is disabled`)
  t.match(body.error.details, [
    { reason: 'SERVICE_DISABLED', metadata: { consumer: `projects/${number}` } },
  ])
})

t.test('a status fault can answer any status with a body of its own', async (t) => {
  const { sim } = await startSim(t)
  const body = { error: { code: 418, message: 'I am a teapot', status: 'UNKNOWN' } }
  sim.faults.add({ kind: 'status', status: 418, body })
  const answer = await rawJson(sim, GENERATE_PATH, textBody('q'))
  t.equal(answer.status, 418)
  t.same(answer.json, body)
})

t.test('faults can be listed, removed one by one and cleared', async (t) => {
  const { sim } = await startSim(t)
  const first = sim.faults.add({ kind: 'status', preset: 'internal', count: 3 })
  sim.faults.add({ kind: 'dropAfterBody', model: 'gemini-2.5-pro' })
  t.match(sim.faults.list(), [
    { id: first, remaining: 3 },
    { kind: 'dropAfterBody', remaining: null },
  ])
  t.ok(sim.faults.remove(first))
  t.equal(sim.faults.list().length, 1)
  sim.faults.clear()
  t.same(sim.faults.list(), [])
})
