import t from 'tap'
import { genai, raw, startSim } from '../helpers/sim-clients.js'

t.test('@google/genai uploads a file with the resumable protocol', async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim)
  const file = await ai.files.upload({
    file: new Blob(['hello!'], { type: 'text/plain' }),
    config: { displayName: 'greeting' },
  })
  t.match(file.name, /^files\/[a-z0-9]+$/)
  t.equal(file.sizeBytes, '6')
  t.equal(file.mimeType, 'text/plain')
  t.equal(file.state, 'ACTIVE')
  t.equal(file.displayName, 'greeting')
  t.equal(file.uri, `${sim.url}/v1beta/${file.name}`)
  const paths = sim.calls.slice(-2).map((c) => `${c.method} ${c.path}`)
  t.same(paths, ['POST /upload/v1beta/files', 'POST /upload/v1beta/files'])
})

t.test('@google/genai reads, lists and deletes an uploaded file', async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim)
  const file = await ai.files.upload({ file: new Blob(['abc'], { type: 'text/plain' }) })
  const got = await ai.files.get({ name: file.name! })
  t.equal(got.sizeBytes, '3')
  const listed = []
  for await (const f of await ai.files.list()) listed.push(f.name)
  t.same(listed, [file.name])
  await ai.files.delete({ name: file.name! })
  const error = await ai.files.get({ name: file.name! }).catch((e: { status: number }) => e)
  t.equal((error as { status: number }).status, 403)
})

t.test('a small uploaded file can be downloaded with alt=media', async (t) => {
  const { sim } = await startSim(t)
  const file = await genai(sim).files.upload({ file: new Blob(['bytes!'], { type: 'text/plain' }) })
  const answer = await raw(sim, 'GET', `/v1beta/${file.name}:download?alt=media`, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1' },
  })
  t.equal(answer.status, 200)
  t.equal(answer.text, 'bytes!')
})

t.test('@google/genai creates, reads, updates, lists and deletes a cachedContent', async (t) => {
  const { sim, clock } = await startSim(t)
  const ai = genai(sim)
  const cache = await ai.caches.create({
    model: 'gemini-2.5-flash',
    config: { contents: 'a long shared context '.repeat(20), ttl: '300s', displayName: 'ctx' },
  })
  t.match(cache.name, /^cachedContents\//)
  t.equal(cache.model, 'models/gemini-2.5-flash')
  t.equal(cache.expireTime, new Date(clock.now() + 300_000).toISOString())
  t.equal((await ai.caches.get({ name: cache.name! })).displayName, 'ctx')
  const updated = await ai.caches.update({ name: cache.name!, config: { ttl: '600s' } })
  t.equal(updated.expireTime, new Date(clock.now() + 600_000).toISOString())
  const names = []
  for await (const c of await ai.caches.list()) names.push(c.name)
  t.same(names, [cache.name])
  await ai.caches.delete({ name: cache.name! })
  const gone = await ai.caches.get({ name: cache.name! }).catch((e: { status: number }) => e)
  t.equal((gone as { status: number }).status, 403)
})

t.test('a generate call using a cachedContent reports its tokens as cached', async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim)
  const context = 'x'.repeat(400)
  const cache = await ai.caches.create({ model: 'gemini-2.5-flash', config: { contents: context } })
  const answer = await ai.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'abcd',
    config: { cachedContent: cache.name! },
  })
  t.equal(answer.usageMetadata?.cachedContentTokenCount, 100)
  t.equal(answer.usageMetadata?.promptTokenCount, 101)
})

t.test('a cachedContent expires with the clock', async (t) => {
  const { sim, clock } = await startSim(t)
  const ai = genai(sim)
  const cache = await ai.caches.create({
    model: 'gemini-2.5-flash',
    config: { contents: 'ctx', ttl: '60s' },
  })
  clock.advance(60_000)
  const gone = await ai.caches.get({ name: cache.name! }).catch((e: { status: number }) => e)
  t.equal((gone as { status: number }).status, 403)
})

t.test('@google/genai runs an inline batch that finishes as the clock moves', async (t) => {
  const { sim, clock } = await startSim(t)
  const ai = genai(sim)
  const job = await ai.batches.create({
    model: 'gemini-2.5-flash',
    src: [{ contents: [{ role: 'user', parts: [{ text: 'one' }] }] }, { contents: 'two' }],
    config: { displayName: 'nightly' },
  })
  t.match(job.name, /^batches\//)
  t.equal(job.state, 'JOB_STATE_PENDING')
  clock.advance(1000)
  const done = await ai.batches.get({ name: job.name! })
  t.equal(done.state, 'JOB_STATE_SUCCEEDED')
  const responses = done.dest?.inlinedResponses ?? []
  t.equal(responses.length, 2)
  t.match(responses[0]?.response?.candidates?.[0]?.content?.parts?.[0]?.text, /^Simulated reply/)
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 0, 'batches take no interactive quota')
})

t.test('@google/genai cancels, lists and deletes batches', async (t) => {
  const { sim } = await startSim(t)
  const ai = genai(sim)
  const job = await ai.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: 'hi' }] })
  await ai.batches.cancel({ name: job.name! })
  t.equal((await ai.batches.get({ name: job.name! })).state, 'JOB_STATE_CANCELLED')
  const names = []
  for await (const b of await ai.batches.list()) names.push(b.name)
  t.same(names, [job.name])
  await ai.batches.delete({ name: job.name! })
  const gone = await ai.batches.get({ name: job.name! }).catch((e: { status: number }) => e)
  t.equal((gone as { status: number }).status, 403)
})

t.test('@google/genai runs an embeddings batch through asyncBatchEmbedContent', async (t) => {
  const { sim, clock } = await startSim(t)
  const ai = genai(sim)
  const job = await ai.batches.createEmbeddings({
    model: 'gemini-embedding-001',
    src: { inlinedRequests: { contents: ['a', 'b'] } },
  })
  t.equal(sim.calls.at(-1)?.path, '/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent')
  clock.advance(1000)
  const done = await ai.batches.get({ name: job.name! })
  t.equal(done.state, 'JOB_STATE_SUCCEEDED')
  t.equal(done.dest?.inlinedEmbedContentResponses?.length, 2)
})

t.test('a batch read from a JSONL file writes its results to a downloadable file', async (t) => {
  const { sim, clock } = await startSim(t)
  const ai = genai(sim)
  const lines = ['a', 'b'].map((text) =>
    JSON.stringify({ key: text, request: { contents: [{ parts: [{ text }] }] } }),
  )
  const input = await ai.files.upload({
    file: new Blob([lines.join('\n')], { type: 'application/jsonl' }),
  })
  const job = await ai.batches.create({ model: 'gemini-2.5-flash', src: input.name! })
  clock.advance(1000)
  const done = await ai.batches.get({ name: job.name! })
  const resultName = done.dest?.fileName
  t.match(resultName, /^files\//)
  const answer = await raw(sim, 'GET', `/v1beta/${resultName}:download?alt=media`, {
    headers: { 'x-goog-api-key': 'sim-key-alpha-2' },
  })
  const results = answer.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { key: string })
  t.same(
    results.map((r) => r.key),
    ['a', 'b'],
  )
})

t.test('@google/genai mints an ephemeral token under auth_tokens', async (t) => {
  const { sim } = await startSim(t)
  const token = await genai(sim).authTokens.create({ config: { uses: 1 } })
  t.match(token.name, /^auth_tokens\//)
  t.equal(sim.calls.at(-1)?.path, '/v1beta/auth_tokens')
})

t.test('@google/genai creates an interaction that only its project can read', async (t) => {
  const { sim } = await startSim(t)
  const created = await genai(sim).interactions.create({ model: 'gemini-2.5-flash', input: 'hi' })
  t.equal(created.status, 'completed')
  const got = await genai(sim, 'sim-key-alpha-2').interactions.get(created.id)
  t.equal(got.id, created.id)
  const other = await raw(sim, 'GET', `/v1beta/interactions/${created.id}`, {
    headers: { 'x-goog-api-key': 'sim-key-beta-1' },
  })
  t.equal(other.status, 403)
})
