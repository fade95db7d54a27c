import { APIError } from 'openai'
import t from 'tap'
import { openai, raw, startSim } from '../helpers/sim-clients.js'

t.test('openai 6 gets a chat completion from the OpenAI-compatible route', async (t) => {
  const { sim } = await startSim(t)
  const completion = await openai(sim).chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello OpenAI route' },
    ],
  })
  t.match(completion.choices[0]?.message.content, /^Simulated reply to "Hello OpenAI route"/)
  t.equal(completion.choices[0]?.finish_reason, 'stop')
  t.equal(completion.usage?.prompt_tokens, Math.ceil('Be brief.Hello OpenAI route'.length / 4))
  t.match(sim.calls.at(-1), {
    path: '/v1beta/openai/chat/completions',
    key: 'sim-key-alpha-1',
    model: 'gemini-2.5-flash',
    operation: 'generate',
    units: 1,
  })
})

t.test('openai 6 streams chat chunks that end with data: [DONE]', async (t) => {
  const { sim } = await startSim(t, { streamChunks: 3 })
  const stream = await openai(sim).chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: 'stream it' }],
    stream: true,
    stream_options: { include_usage: true },
  })
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  t.equal(chunks.length, 3)
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.ok(chunks.at(-1)?.usage?.total_tokens)

  const answer = await raw(sim, 'POST', '/v1beta/openai/chat/completions', {
    headers: { authorization: 'Bearer sim-key-alpha-1', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    }),
  })
  t.equal(answer.headers['content-type'], 'text/event-stream')
  t.ok(answer.text.endsWith('data: [DONE]\n\n'))
})

t.test('openai 6 embeddings arrive as base64 float32 and decode to unit vectors', async (t) => {
  const { sim } = await startSim(t)
  const result = await openai(sim).embeddings.create({
    model: 'gemini-embedding-001',
    input: ['alpha', 'beta'],
  })
  t.equal(result.data.length, 2)
  const vector = result.data[0]!.embedding
  t.equal(vector.length, 768)
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0))
  t.ok(Math.abs(norm - 1) < 1e-5)
  t.match(sim.calls.at(-1), { operation: 'embed', units: 2 })
})

t.test('the embeddings route answers plain floats when no encoding is asked for', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', '/v1beta/openai/embeddings', {
    headers: { authorization: 'Bearer sim-key-alpha-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-embedding-001', input: 'one' }),
  })
  const body = answer.json as { data: Array<{ embedding: unknown }> }
  t.ok(Array.isArray(body.data[0]!.embedding))
})

t.test('openai 6 lists and retrieves models', async (t) => {
  const { sim } = await startSim(t)
  const client = openai(sim)
  const ids = []
  for await (const model of client.models.list()) ids.push(model.id)
  t.ok(ids.includes('models/gemini-2.5-flash'))
  const model = await client.models.retrieve('gemini-2.5-pro')
  t.equal(model.id, 'models/gemini-2.5-pro')
})

t.test('openai 6 sees an unknown key answered with API_KEY_INVALID', async (t) => {
  const { sim } = await startSim(t)
  const error = await openai(sim, 'bogus')
    .chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
    })
    .catch((e: unknown) => e)
  t.type(error, APIError)
  t.equal((error as APIError).status, 400)
  t.match((error as APIError).error, { details: [{ reason: 'API_KEY_INVALID' }] })
})

t.test('the chat route charges the model quota and answers the 429 when over it', async (t) => {
  const { sim } = await startSim(t, { limits: [{ models: 'gemini-2.5-flash', rpm: 1 }] })
  const client = openai(sim)
  const ask = () =>
    client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
    })
  await ask()
  const error = (await ask().catch((e: unknown) => e)) as APIError
  t.equal(error.status, 429)
  t.match(error.error, { status: 'RESOURCE_EXHAUSTED' })
})
