import { ApiError } from '@google/genai'
import t from 'tap'
import { ALPHA, ALPHA_2, BETA, genai, raw, rawJson, startSim } from '../helpers/sim-clients.js'

async function uploadAs(sim: Parameters<typeof genai>[0], key: string) {
  return genai(sim, key).files.upload({ file: new Blob(['data'], { type: 'text/plain' }) })
}

t.test("another project's key gets 403 for a file, with Google's text", async (t) => {
  const { sim } = await startSim(t)
  const file = await uploadAs(sim, ALPHA)
  const id = file.name!.slice('files/'.length)
  const error = (await genai(sim, BETA)
    .files.get({ name: file.name! })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 403)
  t.match(error.message, `You do not have permission to access the File ${id} or it may not exist.`)
})

t.test('every key of the owning project sees the file', async (t) => {
  const { sim } = await startSim(t)
  const file = await uploadAs(sim, ALPHA)
  const got = await genai(sim, ALPHA_2).files.get({ name: file.name! })
  t.equal(got.name, file.name)
  const listed = []
  for await (const f of await genai(sim, BETA).files.list()) listed.push(f)
  t.same(listed, [], 'another project lists none of them')
})

t.test("a generate call naming another project's fileUri gets that 403", async (t) => {
  const { sim } = await startSim(t)
  const file = await uploadAs(sim, ALPHA)
  const contents = [
    {
      role: 'user',
      parts: [{ text: 'describe' }, { fileData: { fileUri: file.uri!, mimeType: 'text/plain' } }],
    },
  ]
  const ok = await genai(sim, ALPHA_2).models.generateContent({
    model: 'gemini-2.5-flash',
    contents,
  })
  t.ok(ok.text, 'the owning project may use it')
  const error = (await genai(sim, BETA)
    .models.generateContent({ model: 'gemini-2.5-flash', contents })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 403)
  t.match(error.message, /permission to access the File/)
  t.equal(sim.usage('beta', 'gemini-2.5-flash').rpm, 0, 'the refused call took no quota')
})

t.test("countTokens naming another project's file gets the 403 too", async (t) => {
  const { sim } = await startSim(t)
  const file = await uploadAs(sim, ALPHA)
  const answer = await rawJson(
    sim,
    '/v1beta/models/gemini-2.5-flash:countTokens',
    { contents: [{ parts: [{ fileData: { fileUri: file.uri, mimeType: 'text/plain' } }] }] },
    BETA,
  )
  t.equal(answer.status, 403)
})

t.test("a generate call using another project's cachedContent gets 403", async (t) => {
  const { sim } = await startSim(t)
  const cache = await genai(sim, ALPHA).caches.create({
    model: 'gemini-2.5-flash',
    config: { contents: 'ctx' },
  })
  const error = (await genai(sim, BETA)
    .models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'q',
      config: { cachedContent: cache.name! },
    })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 403)
  t.match(error.message, /permission to access the CachedContent/)
})

t.test("a cache's model must match the generate call's model", async (t) => {
  const { sim } = await startSim(t)
  const cache = await genai(sim).caches.create({
    model: 'gemini-2.5-flash',
    config: { contents: 'c' },
  })
  const error = (await genai(sim)
    .models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'q',
      config: { cachedContent: cache.name! },
    })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 400)
})

t.test("another project's key gets 403 for a batch and a cache", async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim, ALPHA)
  const batch = await ai.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: 'x' }] })
  const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: 'c' } })
  const headers = { 'x-goog-api-key': BETA }
  const batchAnswer = await raw(sim, 'GET', `/v1beta/${batch.name}`, { headers })
  t.equal(batchAnswer.status, 403)
  t.match(batchAnswer.json, { error: { message: /permission to access the Batch/ } })
  t.equal((await raw(sim, 'DELETE', `/v1beta/${cache.name}`, { headers })).status, 403)
})

t.test("a batch reading another project's input file gets 403", async (t) => {
  const { sim } = await startSim(t)
  const file = await uploadAs(sim, ALPHA)
  const error = (await genai(sim, BETA)
    .batches.create({ model: 'gemini-2.5-flash', src: file.name! })
    .catch((e: unknown) => e)) as ApiError
  t.equal(error.status, 403)
})
