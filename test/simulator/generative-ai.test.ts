import { GoogleGenerativeAIFetchError } from '@google/generative-ai'
import { GoogleAICacheManager, GoogleAIFileManager } from '@google/generative-ai/server'
import t from 'tap'
import { legacyModel, raw, startSim } from '../helpers/sim-clients.js'

t.test('@google/generative-ai 0.24.1 generates text', async (t) => {
  const { sim } = await startSim(t)
  const result = await legacyModel(sim).generateContent('Hi from the old SDK')
  t.match(result.response.text(), /^Simulated reply to "Hi from the old SDK"/)
  t.equal(result.response.usageMetadata?.promptTokenCount, 5)
})

t.test('@google/generative-ai streams over SSE in several chunks', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 3 })
  const result = await legacyModel(sim).generateContentStream('Stream please')
  const pieces: string[] = []
  for await (const chunk of result.stream) pieces.push(chunk.text())
  t.equal(pieces.length, 3)
  const whole = await result.response
  t.equal(whole.text(), pieces.join(''))
  t.equal(whole.candidates?.[0]?.finishReason, 'STOP')
})

t.test('@google/generative-ai countTokens wraps a generateContentRequest', async (t) => {
  const { sim } = await startSim(t)
  const counted = await legacyModel(sim).countTokens('12345678')
  t.equal(counted.totalTokens, 2)
})

t.test('@google/generative-ai embeds one text and a batch', async (t) => {
  const { sim } = await startSim(t)
  const model = legacyModel(sim, 'gemini-embedding-001')
  const one = await model.embedContent('single')
  t.equal(one.embedding.values.length, 768)
  const many = await model.batchEmbedContents({
    requests: ['x', 'y'].map((text) => ({
      content: { role: 'user', parts: [{ text }] },
    })),
  })
  t.equal(many.embeddings.length, 2)
  t.match(sim.calls.at(-1), {
    path: '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    units: 2,
  })
})

t.test('@google/generative-ai uploads with its legacy multipart form', async (t) => {
  const { sim } = await startSim(t)
  const files = new GoogleAIFileManager('sim-key-beta-1', { baseUrl: sim.url })
  const upload = await files.uploadFile(Buffer.from('multipart bytes'), {
    mimeType: 'text/plain',
    displayName: 'legacy',
  })
  t.equal(upload.file.sizeBytes, '15')
  t.equal(upload.file.displayName, 'legacy')
  const got = await files.getFile(upload.file.name)
  t.equal(got.mimeType, 'text/plain')
  const listed = await files.listFiles()
  t.same(
    listed.files.map((f) => f.name),
    [upload.file.name],
  )
  await files.deleteFile(upload.file.name)
  t.same((await files.listFiles()).files, undefined, 'no files left')
  const bytes = await raw(sim, 'GET', `/v1beta/${upload.file.name}:download?alt=media`, {
    headers: { 'x-goog-api-key': 'sim-key-beta-1' },
  })
  t.equal(bytes.status, 403, 'a deleted file is gone')
})

t.test('@google/generative-ai creates a cache with a text/plain body and uses it', async (t) => {
  const { sim } = await startSim(t)
  const caches = new GoogleAICacheManager('sim-key-alpha-1', { baseUrl: sim.url })
  const cache = await caches.create({
    model: 'models/gemini-2.5-flash',
    contents: [{ role: 'user', parts: [{ text: 'y'.repeat(80) }] }],
    ttlSeconds: 120,
  })
  t.match(cache.name, /^cachedContents\//)
  t.equal((await caches.list()).cachedContents?.length, 1)
  const model = legacyModel(sim)
  model.cachedContent = cache
  const result = await model.generateContent('use the cache')
  t.equal(result.response.usageMetadata?.cachedContentTokenCount, 20)
})

t.test('@google/generative-ai sees API_KEY_INVALID for an unknown key', async (t) => {
  const { sim } = await startSim(t)
  const error = await legacyModel(sim, 'gemini-2.5-flash', 'not-a-key')
    .generateContent('hi')
    .catch((e: unknown) => e)
  t.type(error, GoogleGenerativeAIFetchError)
  const fetchError = error as GoogleGenerativeAIFetchError
  t.equal(fetchError.status, 400)
  t.match(fetchError.errorDetails, [{ reason: 'API_KEY_INVALID', domain: 'googleapis.com' }])
})
