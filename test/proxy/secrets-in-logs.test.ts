import { GoogleGenAI } from '@google/genai'
import { GoogleGenerativeAI } from '@google/generative-ai'
import { createHash } from 'node:crypto'
import OpenAI from 'openai'
import t from 'tap'
import { systemClock } from '../../src/util/clock.js'
import {
  CLIENTS,
  CLIENT_TOKEN,
  OTHER_TOKEN,
  REAL_KEYS,
  tappedStack,
} from '../helpers/proxy-fixture.js'
import { rawCall } from '../helpers/upstream-tap.js'

/**
 * One mixed run at debug level, then a grep of every log line and every error body keypool
 * sent for every secret of its config: keys, client tokens, token hashes, the admin token.
 */

const HASHED_TOKEN = 'ops-client-token-5e8d1c'
const HASH = createHash('sha256').update(HASHED_TOKEN).digest('hex')
const ADMIN_TOKEN = 'admin-token-0b7f3a9e'
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'
const PROMPT = '{"contents":[{"parts":[{"text":"hello"}]}]}'
/** Room for the whole run, so that no call waits a real minute for the free tier's rpm. */
const ROOMY = [{ models: 'gemini-*', rpm: 1000, tpm: 10_000_000, rpd: 100_000 }]

/** Every secret and the forms it could leak in: as is, sha256 hex and base64. */
function secretForms(): string[] {
  const plain = [...REAL_KEYS, CLIENT_TOKEN, OTHER_TOKEN, HASHED_TOKEN, ADMIN_TOKEN]
  const hashes = plain.map((s) => createHash('sha256').update(s).digest())
  return [
    ...plain,
    ...plain.map((s) => Buffer.from(s).toString('base64')),
    ...hashes.map((h) => h.toString('hex')),
    ...hashes.map((h) => h.toString('base64')),
    HASH,
  ]
}

t.test('no log line and no error body of a mixed run holds a configured secret', async (t) => {
  const stack = await tappedStack(t, {
    clock: systemClock,
    sim: { streamChunks: 3, limits: ROOMY },
    config: {
      limits: ROOMY,
      clients: [...CLIENTS, { id: 'ops', tokenSha256: HASH, tier: 'vip' }],
      admin: { token: ADMIN_TOKEN },
      retry: { maxAttempts: 4, backoff: { base: '1ms', max: '2ms' } },
    },
  })
  const errorBodies: string[] = []
  const keep = (error: unknown) => errorBodies.push(String((error as Error).message))

  const ai = new GoogleGenAI({ apiKey: CLIENT_TOKEN, httpOptions: { baseUrl: stack.url } })
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })
  for await (const chunk of await ai.models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'go',
  })) {
    t.ok(chunk)
  }
  await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] })
  const legacy = new GoogleGenerativeAI(OTHER_TOKEN).getGenerativeModel(
    { model: 'gemini-2.5-flash' },
    { baseUrl: stack.url },
  )
  await legacy.generateContent('legacy hello')
  const openai = new OpenAI({
    apiKey: HASHED_TOKEN,
    baseURL: `${stack.url}/v1beta/openai/`,
    maxRetries: 0,
  })
  const chat = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: 'hi' }] }
  await openai.chat.completions.create(chat)
  for await (const chunk of await openai.chat.completions.create({ ...chat, stream: true }))
    t.ok(chunk)
  await rawCall(stack.url, 'POST', `${GENERATE}?key=${CLIENT_TOKEN}`, { body: PROMPT })

  // Refusals and failures, each answered with an error body.
  const bad = new GoogleGenAI({ apiKey: 'wrong-token-xyz', httpOptions: { baseUrl: stack.url } })
  await bad.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch(keep)
  await new OpenAI({
    apiKey: 'wrong-token-xyz',
    baseURL: `${stack.url}/v1beta/openai/`,
    maxRetries: 0,
  }).chat.completions
    .create(chat)
    .catch(keep)
  const raws = [
    await rawCall(stack.url, 'POST', GENERATE, { body: PROMPT }),
    await rawCall(stack.url, 'GET', '/v9/unknown', { headers: { 'x-goog-api-key': CLIENT_TOKEN } }),
    await rawCall(stack.url, 'POST', GENERATE, {
      headers: { 'x-goog-api-key': CLIENT_TOKEN },
      body: '{bad',
    }),
    await rawCall(stack.url, 'POST', GENERATE, {
      headers: { 'x-goog-api-key': CLIENT_TOKEN, 'x-keypool-max-wait': 'soon' },
      body: PROMPT,
    }),
  ]

  // Upstream trouble: an overload retried, a key found invalid, a location refusal, an error tail.
  stack.sim.faults.add({ kind: 'status', preset: 'overloaded', count: 1 })
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'retry me' })
  stack.sim.faults.add({ kind: 'invalidKey', key: REAL_KEYS[0]! })
  for (let i = 0; i < 3; i++)
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: `n${i}` })
  stack.sim.faults.add({ kind: 'status', preset: 'locationUnsupported', count: 1 })
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'where' }).catch(keep)
  stack.sim.faults.add({ kind: 'streamErrorTail', afterChunks: 1, count: 1 })
  raws.push(
    await rawCall(
      stack.url,
      'POST',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      {
        headers: { 'x-goog-api-key': CLIENT_TOKEN },
        body: PROMPT,
      },
    ),
  )
  stack.sim.faults.add({ kind: 'dropAfterBody', count: 1 })
  raws.push(
    await rawCall(stack.url, 'POST', GENERATE, {
      headers: { 'x-goog-api-key': CLIENT_TOKEN },
      body: PROMPT,
    }),
  )
  for (const answer of raws) if (answer.status >= 400) errorBodies.push(answer.text)

  const logs = stack.rawLogs()
  const levels = new Set(stack.logs.map((l) => l.level))
  t.ok(
    levels.has(20) && levels.has(30) && levels.has(40),
    'debug, info and warn lines were written',
  )
  t.ok(
    stack.logs.some((l) => l.msg === 'key state changed'),
    'the invalid key was logged',
  )
  t.ok(
    stack.logs.some((l) => l.msg === 'stream broken'),
    'the broken stream was logged',
  )
  t.ok(errorBodies.length >= 8, `${errorBodies.length} error bodies were collected`)
  for (const secret of secretForms()) {
    t.notOk(logs.includes(secret), `no log line holds ${secret.slice(0, 6)}…`)
    t.notOk(
      errorBodies.some((body) => body.includes(secret)),
      `no error body holds ${secret.slice(0, 6)}…`,
    )
  }
  t.notOk(logs.includes('wrong-token-xyz'), 'not even a refused token is logged')
})
