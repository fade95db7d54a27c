import t from 'tap'
import { genai, rawJson, startSim } from '../helpers/sim-clients.js'

function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0))
}

t.test('@google/genai embedContent goes to batchEmbedContents and gets unit vectors', async (t) => {
  const { sim } = await startSim(t)
  const answer = await genai(sim).models.embedContent({
    model: 'gemini-embedding-001',
    contents: ['first text', 'second text', 'third text'],
  })
  const vectors = answer.embeddings!.map((e) => e.values!)
  t.equal(vectors.length, 3)
  for (const v of vectors) {
    t.equal(v.length, 768)
    t.ok(Math.abs(norm(v) - 1) < 1e-5, 'a unit vector')
  }
  t.equal(sim.calls.at(-1)?.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents')
})

t.test('each item of a batch embed is charged one request unit', async (t) => {
  const { sim } = await startSim(t)
  await genai(sim).models.embedContent({
    model: 'gemini-embedding-001',
    contents: ['a', 'b', 'c', 'd', 'e'],
  })
  t.match(sim.calls.at(-1), { operation: 'embed', units: 5, tokens: 5 })
  t.equal(sim.usage('alpha', 'gemini-embedding-001').rpm, 5)
})

t.test('the same text always gets the same vector', async (t) => {
  const { sim } = await startSim(t)
  const embed = async (key: string) =>
    (
      await genai(sim, key).models.embedContent({
        model: 'gemini-embedding-001',
        contents: 'stable',
      })
    ).embeddings![0]!.values
  t.same(await embed('sim-key-alpha-1'), await embed('sim-key-gamma-1'))
})

t.test('outputDimensionality shortens the vectors', async (t) => {
  const { sim } = await startSim(t)
  const answer = await genai(sim).models.embedContent({
    model: 'gemini-embedding-001',
    contents: 'short',
    config: { outputDimensionality: 64 },
  })
  t.equal(answer.embeddings![0]!.values!.length, 64)
})

t.test('the embeddingDimensions option sets the default length', async (t) => {
  const { sim } = await startSim(t, { embeddingDimensions: 16 })
  const answer = await genai(sim).models.embedContent({
    model: 'gemini-embedding-001',
    contents: 'x',
  })
  t.equal(answer.embeddings![0]!.values!.length, 16)
})

t.test('embedContent over plain HTTP answers one embedding', async (t) => {
  const { sim } = await startSim(t)
  const answer = await rawJson(sim, '/v1beta/models/gemini-embedding-001:embedContent', {
    content: { parts: [{ text: 'one' }] },
  })
  t.equal(answer.status, 200)
  t.equal((answer.json as { embedding: { values: number[] } }).embedding.values.length, 768)
})

t.test('a batch embed of more than 100 items is refused with 400', async (t) => {
  const { sim } = await startSim(t)
  const requests = Array.from({ length: 101 }, (_, i) => ({
    model: 'models/gemini-embedding-001',
    content: { parts: [{ text: `item ${i}` }] },
  }))
  const answer = await rawJson(sim, '/v1beta/models/gemini-embedding-001:batchEmbedContents', {
    requests,
  })
  t.equal(answer.status, 400)
  t.match(answer.json, { error: { status: 'INVALID_ARGUMENT' } })
})
