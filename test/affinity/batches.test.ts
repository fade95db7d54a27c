import t from 'tap'
import type { ManualClock } from '../../src/util/clock.js'
import { APP_TOKEN, call, callsTo, genai, projectsOf, threeProjects } from './fixture.js'

const MODEL = 'gemini-2.5-flash'

t.test('an inline batch is created, polled, cancelled and deleted on one project', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const job = await ai.batches.create({
    model: MODEL,
    src: [{ contents: 'one' }, { contents: 'two' }],
  })
  // Other calls in between rotate keys.
  for (let i = 0; i < 3; i++) await ai.models.countTokens({ model: MODEL, contents: `c${i}` })
  t.ok(projectsOf(callsTo(stack, ':countTokens')).length > 1, 'counts rotated')
  ;(stack.clock as ManualClock).advance(1000)
  for (let i = 0; i < 3; i++) {
    const done = await ai.batches.get({ name: job.name! })
    t.equal(done.state, 'JOB_STATE_SUCCEEDED')
  }
  const other = await ai.batches.create({ model: MODEL, src: [{ contents: 'three' }] })
  await ai.batches.cancel({ name: other.name! })
  await ai.batches.delete({ name: other.name! })
  const batchCalls = [...callsTo(stack, ':batchGenerateContent'), ...callsTo(stack, '/batches/')]
  t.equal(batchCalls.length, 7)
  for (const name of [job.name!, other.name!]) {
    t.equal(projectsOf(callsTo(stack, `/${name}`)).length, 1, `${name} stayed in one project`)
  }
  t.notOk(
    stack.sim.calls.some((c) => c.status === 403),
    'no 403 from rotation',
  )
})

t.test('a batch from an uploaded JSONL file runs and its results download', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const lines = ['a', 'b'].map((text) =>
    JSON.stringify({ key: text, request: { contents: [{ parts: [{ text }] }] } }),
  )
  const input = await ai.files.upload({
    file: new Blob([lines.join('\n')], { type: 'application/jsonl' }),
  })
  const project = callsTo(stack, '/upload/')[0]!.project
  const job = await ai.batches.create({ model: MODEL, src: input.name! })
  ;(stack.clock as ManualClock).advance(1000)
  const done = await ai.batches.get({ name: job.name! })
  t.equal(done.state, 'JOB_STATE_SUCCEEDED')
  const results = done.dest?.fileName
  t.match(results, /^files\//)
  const download = await call(`${stack.url}/v1beta/${results}:download?alt=media`, 'GET', {
    'x-goog-api-key': APP_TOKEN,
  })
  t.equal(download.status, 200)
  t.same(
    download.text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key),
    ['a', 'b'],
  )
  const used = [
    ...callsTo(stack, '/upload/'),
    ...callsTo(stack, 'atch'),
    ...callsTo(stack, 'files/'),
  ]
  t.same(projectsOf(used), [project], 'input, batch and results all in one project')
})

t.test(
  'an embeddings batch made with asyncBatchEmbedContent is polled on its project',
  async (t) => {
    const stack = await threeProjects(t)
    const ai = genai(stack)
    const job = await ai.batches.createEmbeddings({
      model: 'gemini-embedding-001',
      src: { inlinedRequests: { contents: ['a', 'b'] } },
    })
    ;(stack.clock as ManualClock).advance(1000)
    for (let i = 0; i < 3; i++) {
      t.equal((await ai.batches.get({ name: job.name! })).state, 'JOB_STATE_SUCCEEDED')
    }
    t.equal(projectsOf([...callsTo(stack, 'asyncBatch'), ...callsTo(stack, '/batches/')]).length, 1)
  },
)
