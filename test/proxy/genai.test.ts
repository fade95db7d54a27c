import { GoogleGenAI } from '@google/genai'
import t from 'tap'
import { SIM_KEY_CONFIG, startStack } from '../helpers/stack.js'

const CLIENT_TOKEN = 'client-token-0123456789'
const REAL_KEYS = SIM_KEY_CONFIG.map((k) => k.key as string)

function genai(url: string, apiVersion?: string) {
  return new GoogleGenAI({
    apiKey: CLIENT_TOKEN,
    httpOptions: { baseUrl: url, ...(apiVersion ? { apiVersion } : {}) },
  })
}

t.test('@google/genai generates through keypool and the upstream sees a real key', async (t) => {
  const stack = await startStack(t)
  const answer = await genai(stack.url).models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'Say hello',
  })
  t.ok(answer.text && answer.text.length > 0, 'the answer has text')
  const call = stack.sim.calls.at(-1)!
  t.ok(REAL_KEYS.includes(call.key!), 'the upstream received a configured key')
  t.not(call.key, CLIENT_TOKEN)
})

t.test('@google/genai streams through keypool chunk by chunk', async (t) => {
  const stack = await startStack(t)
  const stream = await genai(stack.url).models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'Tell a short story',
  })
  let chunks = 0
  let text = ''
  for await (const chunk of stream) {
    chunks++
    text += chunk.text ?? ''
  }
  t.ok(chunks > 1, `several chunks arrived (${chunks})`)
  t.ok(text.length > 0)
})

t.test('@google/genai with apiVersion v1 embeds, counts and lists models', async (t) => {
  const stack = await startStack(t)
  const ai = genai(stack.url, 'v1')
  const embedded = await ai.models.embedContent({
    model: 'gemini-embedding-001',
    contents: ['first text', 'second text'],
  })
  t.equal(embedded.embeddings?.length, 2)
  const counted = await ai.models.countTokens({
    model: 'gemini-2.5-flash',
    contents: 'four words right here',
  })
  t.ok((counted.totalTokens ?? 0) > 0)
  const pager = await ai.models.list()
  t.ok(pager.page.length > 0, 'models are listed')
  t.ok(
    stack.sim.calls.every((c) => c.path.startsWith('/v1/')),
    'every call went to /v1',
  )
})
