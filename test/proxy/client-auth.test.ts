import { ApiError, GoogleGenAI } from '@google/genai'
import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import OpenAI from 'openai'
import t from 'tap'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfigText } from '../../src/config/load.js'
import { noEvents } from '../../src/observe/events.js'
import { ClientAuth } from '../../src/server/client-auth.js'
import { ManualClock } from '../../src/util/clock.js'
import {
  assertOnlyRealKeys,
  CLIENT_TOKEN,
  REAL_KEYS,
  tappedStack,
} from '../helpers/proxy-fixture.js'
import { errorInfo, rawCall, type RawOptions } from '../helpers/upstream-tap.js'
import { waitFor } from '../helpers/wait.js'

/**
 * Client authentication through keypool (design section 5) and its refusals in Google's error
 * shape (design section 7).
 */

const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'
const PROMPT = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] })

function generateWith(url: string, headers: Record<string, string>, extra: RawOptions = {}) {
  return rawCall(url, 'POST', GENERATE, {
    headers: { 'content-type': 'application/json', ...headers },
    body: PROMPT,
    ...extra,
  })
}

t.test(
  'a call without a client token gets 403 PERMISSION_DENIED in Google shape, nothing sent',
  async (t) => {
    const stack = await tappedStack(t)
    const answer = await generateWith(stack.url, {})
    t.equal(answer.status, 403)
    t.match(answer.headers['content-type'], /^application\/json/)
    t.match(answer.json, { error: { code: 403, status: 'PERMISSION_DENIED', message: String } })
    t.match(errorInfo(answer.json), { domain: 'keypool' })
    t.equal(stack.tap.calls.length, 0, 'nothing went upstream')
  },
)

t.test(
  'an unknown token gets 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID of keypool',
  async (t) => {
    const stack = await tappedStack(t)
    const forms: Array<Record<string, string>> = [
      { 'x-goog-api-key': 'not-a-client-token' },
      { authorization: 'Bearer not-a-client-token' },
      { 'x-goog-api-key': REAL_KEYS[0]! },
    ]
    for (const headers of forms) {
      const answer = await generateWith(stack.url, headers)
      t.equal(answer.status, 400)
      t.match(answer.json, { error: { code: 400, status: 'INVALID_ARGUMENT' } })
      t.match(errorInfo(answer.json), { reason: 'API_KEY_INVALID', domain: 'keypool' })
    }
    t.equal(stack.tap.calls.length, 0, 'nothing went upstream, not even for a real Google key')
  },
)

t.test('the SDKs read keypool refusals as their own API errors', async (t) => {
  const stack = await tappedStack(t)
  const ai = new GoogleGenAI({ apiKey: 'wrong-token-123', httpOptions: { baseUrl: stack.url } })
  const genaiError = await ai.models
    .generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
    .catch((e: unknown) => e)
  t.ok(genaiError instanceof ApiError)
  t.equal((genaiError as ApiError).status, 400)
  t.match((genaiError as ApiError).message, /API_KEY_INVALID/)

  const openai = new OpenAI({
    apiKey: 'wrong-token-123',
    baseURL: `${stack.url}/v1beta/openai/`,
    maxRetries: 0,
  })
  const chat = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: 'x' }] }
  const openaiError = await openai.chat.completions.create(chat).catch((e: unknown) => e)
  t.ok(openaiError instanceof OpenAI.BadRequestError)
  t.equal((openaiError as InstanceType<typeof OpenAI.APIError>).status, 400)
})

t.test(
  'a client configured by tokenSha256 authenticates with its token, not with the hash',
  async (t) => {
    const token = 'hashed-client-token-91d'
    const digest = createHash('sha256').update(token).digest('hex')
    const stack = await tappedStack(t, {
      config: { clients: [{ id: 'ops', tokenSha256: digest, tier: 'vip' }] },
    })
    t.equal((await generateWith(stack.url, { 'x-goog-api-key': token })).status, 200)
    t.equal((await generateWith(stack.url, { 'x-goog-api-key': digest })).status, 400)
    t.match(
      stack.logs.find((l) => l.msg === 'request' && l.status === 200),
      { client: 'ops' },
    )
    assertOnlyRealKeys(t, stack, [token, digest])
  },
)

t.test('a presented token is checked with a constant-time comparison of digests', async (t) => {
  const compared: Array<[number, number]> = []
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.push([a.byteLength, b.byteLength])
    return crypto.timingSafeEqual(a, b)
  }
  const { ClientAuth } = await t.mockImport<typeof import('../../src/server/client-auth.js')>(
    '../../src/server/client-auth.js',
    { 'node:crypto': { ...crypto, timingSafeEqual } },
  )
  const auth = new ClientAuth(
    [{ id: 'web', token: CLIENT_TOKEN, tier: 'free' }],
    { free: { priority: 0 } },
    new ManualClock(),
  )
  t.equal(auth.authenticate(CLIENT_TOKEN).id, 'web')
  t.same(compared, [[32, 32]], 'one comparison of two sha256 digests, whatever the token length')
})

t.test('a token that passed once still lets in only its own client', async (t) => {
  const tiers = { free: { priority: 0 }, vip: { priority: 2 } }
  const auth = new ClientAuth(
    [
      { id: 'web', token: CLIENT_TOKEN, tier: 'free' },
      { id: 'ops', token: `${CLIENT_TOKEN}-ops`, tier: 'vip' },
    ],
    tiers,
    new ManualClock(),
  )
  for (let i = 0; i < 3; i++) t.equal(auth.authenticate(CLIENT_TOKEN).id, 'web')
  t.equal(auth.authenticate(`${CLIENT_TOKEN}-ops`).id, 'ops')
  const nearMiss = CLIENT_TOKEN.slice(0, -1) + (CLIENT_TOKEN.endsWith('x') ? 'y' : 'x')
  t.throws(() => auth.authenticate(nearMiss), { code: 'KP_ERR_BAD_TOKEN' })
  t.throws(() => auth.authenticate(`${CLIENT_TOKEN} `), { code: 'KP_ERR_BAD_TOKEN' })
  t.equal(auth.authenticate(CLIENT_TOKEN).id, 'web', 'a refusal does not unseat a known token')
})

t.test('repeated bad tokens from one address are held until the clock advances', async (t) => {
  const clock = new ManualClock(Date.now())
  const refused: string[] = []
  const stack = await tappedStack(t, {
    clock,
    observers: [{ ...noEvents, clientRefused: (e) => refused.push(e.address) }],
  })
  const bad = { 'x-goog-api-key': 'guessed-token-000' }
  for (let i = 0; i < 5; i++) {
    t.equal(
      (await generateWith(stack.url, bad)).status,
      400,
      `failure ${i + 1} is answered at once`,
    )
  }

  let held: number | undefined
  const sixth = generateWith(stack.url, bad).then((a) => (held = a.status))
  await waitFor(() => refused.length === 6, 'the sixth refusal')
  const other = await generateWith(stack.url, bad, { localAddress: '127.0.0.2' })
  t.equal(other.status, 400, 'another address is answered at once')
  const good = await generateWith(stack.url, { 'x-goog-api-key': CLIENT_TOKEN })
  t.equal(good.status, 200, 'a good token from the slowed address is served at once')
  t.equal(held, undefined, 'the sixth refusal is still held')

  clock.advance(249)
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(held, undefined, 'still held after 249 ms of clock time')
  clock.advance(1)
  t.equal(await sixth, 400, 'answered once the clock moved 250 ms')
})

t.test('anonymous mode accepts any key or none and sends a real key upstream', async (t) => {
  const stack = await tappedStack(t, { config: { clients: [] } })
  const forms: Array<Record<string, string>> = [
    {},
    { 'x-goog-api-key': 'anything' },
    { authorization: 'Bearer whatever' },
  ]
  for (const headers of forms) {
    t.equal((await generateWith(stack.url, headers)).status, 200)
  }
  t.match(
    stack.logs.filter((l) => l.msg === 'request'),
    [{ client: 'anonymous' }, { client: 'anonymous' }, { client: 'anonymous' }],
  )
  assertOnlyRealKeys(t, stack, ['anything', 'whatever'])
})

const NO_CLIENTS = `
keys:
  - { id: a, key: secret-a }
pools:
  main: { keys: [a] }
`

function configIssues(text: string, listen?: string): string {
  try {
    parseConfigText(text, { source: 'keypool.yaml', env: {}, ...(listen ? { listen } : {}) })
    return ''
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
}

t.test('the config loader refuses anonymous mode on a non-loopback address', async (t) => {
  for (const listen of ['0.0.0.0:8787', '[::]:8787', '192.168.1.10:8787']) {
    const text = `server: { listen: "${listen}" }\n${NO_CLIENTS}`
    t.match(
      configIssues(text),
      /server\.listen: .* is not a loopback address and no clients are configured/,
      listen,
    )
  }
  t.match(
    configIssues(NO_CLIENTS, '0.0.0.0:9000'),
    /not a loopback address/,
    'a --listen override is checked too',
  )
})

t.test(
  'anonymous mode runs on loopback, or elsewhere with allowAnonymous or clients',
  async (t) => {
    for (const listen of ['127.0.0.1:8787', 'localhost:8787', '[::1]:8787']) {
      t.equal(configIssues(`server: { listen: "${listen}" }\n${NO_CLIENTS}`), '', listen)
    }
    t.equal(
      configIssues(`server: { listen: "0.0.0.0:8787", allowAnonymous: true }\n${NO_CLIENTS}`),
      '',
    )
    const withClient = `server: { listen: "0.0.0.0:8787" }\nclients: [{ id: web, token: long-enough-token }]\n${NO_CLIENTS}`
    t.equal(configIssues(withClient), '')
  },
)
