import { GoogleGenAI } from '@google/genai'
import { GoogleGenerativeAI } from '@google/generative-ai'
import OpenAI from 'openai'
import t from 'tap'
import { assertOnlyRealKeys, CLIENT_TOKEN, tappedStack } from '../helpers/proxy-fixture.js'

/**
 * The real SDKs pointed at keypool (in front of the simulator) with a client token as their
 * API key: every call works, and the upstream sees only configured keys.
 */

function genai(url: string, apiVersion?: string): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: CLIENT_TOKEN,
    httpOptions: { baseUrl: url, ...(apiVersion ? { apiVersion } : {}) },
  })
}

function legacy(url: string, model: string) {
  return new GoogleGenerativeAI(CLIENT_TOKEN).getGenerativeModel({ model }, { baseUrl: url })
}

function openai(url: string): OpenAI {
  return new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${url}/v1beta/openai/`, maxRetries: 0 })
}

for (const apiVersion of ['v1beta', 'v1']) {
  t.test(
    `@google/genai 2.x on ${apiVersion} generates, streams, embeds, counts and lists models with a client token`,
    async (t) => {
      const stack = await tappedStack(t)
      const ai = genai(stack.url, apiVersion === 'v1' ? 'v1' : undefined)

      const answer = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'Say hello',
      })
      t.match(answer.text, /^Simulated reply/)
      let chunks = 0
      for await (const chunk of await ai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'Story',
      })) {
        if (chunk.text) chunks++
      }
      t.ok(chunks > 1, 'the stream came in several chunks')
      const embedded = await ai.models.embedContent({
        model: 'gemini-embedding-001',
        contents: ['a', 'b'],
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
        stack.tap.calls.every((c) => c.url.startsWith(`/${apiVersion}/`)),
        `every call went to /${apiVersion}`,
      )
      assertOnlyRealKeys(t, stack)
    },
  )
}

t.test('@google/generative-ai 0.24.1 generates through keypool with a client token', async (t) => {
  const stack = await tappedStack(t)
  const result = await legacy(stack.url, 'gemini-2.5-flash').generateContent('Hi from the old SDK')
  t.match(result.response.text(), /^Simulated reply to "Hi from the old SDK"/)
  t.equal(result.response.usageMetadata?.promptTokenCount, 5)
  assertOnlyRealKeys(t, stack)
})

t.test('@google/generative-ai 0.24.1 streams over SSE through keypool', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 3 } })
  const result = await legacy(stack.url, 'gemini-2.5-flash').generateContentStream('Stream please')
  const pieces: string[] = []
  for await (const chunk of result.stream) pieces.push(chunk.text())
  t.equal(pieces.length, 3)
  t.equal((await result.response).candidates?.[0]?.finishReason, 'STOP')
  t.match(stack.tap.calls[0]?.url, /:streamGenerateContent\?alt=sse$/)
  assertOnlyRealKeys(t, stack)
})

t.test('@google/generative-ai 0.24.1 embeds one text and a batch through keypool', async (t) => {
  const stack = await tappedStack(t)
  const model = legacy(stack.url, 'gemini-embedding-001')
  const one = await model.embedContent('single')
  t.equal(one.embedding.values.length, 768)
  const many = await model.batchEmbedContents({
    requests: ['x', 'y'].map((text) => ({ content: { role: 'user', parts: [{ text }] } })),
  })
  t.equal(many.embeddings.length, 2)
  t.same(
    stack.sim.calls.map((c) => c.path),
    [
      '/v1beta/models/gemini-embedding-001:embedContent',
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    ],
  )
  assertOnlyRealKeys(t, stack)
})

t.test('@google/generative-ai 0.24.1 counts tokens through keypool', async (t) => {
  const stack = await tappedStack(t)
  const counted = await legacy(stack.url, 'gemini-2.5-flash').countTokens('12345678')
  t.equal(counted.totalTokens, 2)
  assertOnlyRealKeys(t, stack)
})

t.test(
  'openai 6 gets a chat completion through keypool with its Bearer client token',
  async (t) => {
    const stack = await tappedStack(t)
    const completion = await openai(stack.url).chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Hello OpenAI route' }],
    })
    t.match(completion.choices[0]?.message.content, /^Simulated reply to "Hello OpenAI route"/)
    t.equal(completion.choices[0]?.finish_reason, 'stop')
    t.match(stack.sim.calls[0], {
      path: '/v1beta/openai/chat/completions',
      model: 'gemini-2.5-flash',
    })
    assertOnlyRealKeys(t, stack)
  },
)

t.test('openai 6 streams a chat completion through keypool to its [DONE]', async (t) => {
  const stack = await tappedStack(t, { sim: { streamChunks: 3 } })
  const stream = await openai(stack.url).chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: 'stream it' }],
    stream: true,
    stream_options: { include_usage: true },
  })
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  t.equal(chunks.length, 3)
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  await stack.tap.calls[0]!.done
  t.ok(stack.tap.calls[0]!.answer.toString().endsWith('data: [DONE]\n\n'))
  t.notOk(
    stack.logs.some((l) => l.msg === 'stream broken'),
    'a stream that ended with [DONE] is not logged as broken',
  )
  assertOnlyRealKeys(t, stack)
})

t.test('openai 6 embeddings go through keypool and decode', async (t) => {
  const stack = await tappedStack(t)
  const result = await openai(stack.url).embeddings.create({
    model: 'gemini-embedding-001',
    input: ['alpha', 'beta'],
  })
  t.equal(result.data.length, 2)
  t.equal(result.data[0]!.embedding.length, 768)
  t.match(stack.sim.calls[0], { path: '/v1beta/openai/embeddings', operation: 'embed', units: 2 })
  assertOnlyRealKeys(t, stack)
})

t.test('openai 6 lists and retrieves models through keypool', async (t) => {
  const stack = await tappedStack(t)
  const client = openai(stack.url)
  const ids = []
  for await (const model of client.models.list()) ids.push(model.id)
  t.ok(ids.includes('models/gemini-2.5-flash'))
  const model = await client.models.retrieve('gemini-2.5-pro')
  t.equal(model.id, 'models/gemini-2.5-pro')
  assertOnlyRealKeys(t, stack)
})
