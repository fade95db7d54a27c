import { ApiError } from '@google/genai'
import t from 'tap'
import { genai, startSim } from '../helpers/sim-clients.js'

t.test('@google/genai generates text with usage metadata, a responseId and STOP', async (t) => {
  const { sim } = await startSim(t)
  const answer = await genai(sim).models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'Hello there, simulator',
  })
  t.match(answer.text, /^Simulated reply to "Hello there, simulator": /)
  t.equal(answer.candidates?.[0]?.finishReason, 'STOP')
  t.equal(answer.modelVersion, 'gemini-2.5-flash')
  t.ok(answer.responseId, 'a responseId is set')
  const usage = answer.usageMetadata!
  t.equal(usage.promptTokenCount, Math.ceil('Hello there, simulator'.length / 4))
  t.equal(usage.totalTokenCount, usage.promptTokenCount! + usage.candidatesTokenCount!)
})

t.test('the same prompt always gets the same answer, from any key', async (t) => {
  const { sim } = await startSim(t)
  const ask = (key: string) =>
    genai(sim, key).models.generateContent({ model: 'gemini-2.5-flash', contents: 'same' })
  const first = await ask('sim-key-alpha-1')
  const second = await ask('sim-key-beta-1')
  t.equal(first.text, second.text)
})

t.test('@google/genai streams over SSE with running usage totals', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 4 })
  const stream = await genai(sim).models.generateContentStream({
    model: 'gemini-2.5-flash',
    contents: 'Stream a story',
  })
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  t.equal(chunks.length, 4)
  const counts = chunks.map((c) => c.usageMetadata?.candidatesTokenCount ?? 0)
  t.same(
    [...counts].sort((a, b) => a - b),
    counts,
    'candidate tokens only grow',
  )
  t.same(
    chunks.map((c) => c.candidates?.[0]?.finishReason ?? null),
    [null, null, null, 'STOP'],
  )
  t.equal(new Set(chunks.map((c) => c.responseId)).size, 1, 'one responseId for the stream')
  t.equal(sim.calls.at(-1)?.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent')
})

t.test("@google/genai with apiVersion 'v1' is served under /v1", async (t) => {
  const { sim } = await startSim(t)
  const answer = await genai(sim, undefined, 'v1').models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'v1 please',
  })
  t.ok(answer.text)
  t.equal(sim.calls.at(-1)?.path, '/v1/models/gemini-2.5-flash:generateContent')
})

t.test('countTokens counts ceil(chars/4) and takes no quota', async (t) => {
  const { sim } = await startSim(t)
  const counted = await genai(sim).models.countTokens({
    model: 'gemini-2.5-flash',
    contents: 'abcdefghi',
  })
  t.equal(counted.totalTokens, 3)
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 0)
  t.match(sim.calls.at(-1), { operation: 'count', units: 0, tokens: 0, status: 200 })
})

t.test('an image part costs a fixed number of tokens on top of the text', async (t) => {
  const { sim } = await startSim(t)
  const counted = await genai(sim).models.countTokens({
    model: 'gemini-2.5-flash',
    contents: [
      {
        role: 'user',
        parts: [{ text: 'abcd' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
      },
    ],
  })
  t.equal(counted.totalTokens, 1 + 258)
})

t.test('models.list pages through the known models and models.get reads one', async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim)
  const pager = await ai.models.list({ config: { pageSize: 3 } })
  const names: string[] = []
  for await (const model of pager) names.push(model.name ?? '')
  t.ok(names.length > 3, 'more than one page was read')
  t.ok(names.includes('models/gemini-2.5-flash'))
  t.ok(names.includes('models/gemini-embedding-001'))
  const model = await ai.models.get({ model: 'gemini-2.5-pro' })
  t.equal(model.name, 'models/gemini-2.5-pro')
  t.ok(model.inputTokenLimit && model.inputTokenLimit > 0)
})

t.test("an unknown model gets Google's 404 text", async (t) => {
  const { sim } = await startSim(t)
  const error = await genai(sim)
    .models.generateContent({ model: 'gemini-9-ultra', contents: 'hi' })
    .catch((e: unknown) => e)
  t.type(error, ApiError)
  t.equal((error as ApiError).status, 404)
  t.match(
    (error as ApiError).message,
    'models/gemini-9-ultra is not found for API version v1beta, or is not supported for ' +
      'generateContent. Call ListModels to see the list of available models',
  )
})

t.test('an embedding model refuses generateContent with the same 404', async (t) => {
  const { sim } = await startSim(t)
  const error = (await genai(sim)
    .models.generateContent({ model: 'gemini-embedding-001', contents: 'hi' })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 404)
})
