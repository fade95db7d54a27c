import t from 'tap'
import {
  ALPHA,
  BETA,
  GENERATE_PATH,
  genai,
  raw,
  rawJson,
  startSim,
  textBody,
} from '../helpers/sim-clients.js'

t.test('the call log records each call as the simulator saw it', async (t) => {
  const { sim, clock } = await startSim(t)
  clock.advance(5000)
  await genai(sim, BETA).models.generateContent({ model: 'gemini-2.5-flash', contents: 'abcdefgh' })
  t.same(sim.calls, [
    {
      at: clock.now(),
      key: BETA,
      project: 'beta',
      model: 'gemini-2.5-flash',
      operation: 'generate',
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash:generateContent',
      status: 200,
      units: 1,
      tokens: 2,
      overLimit: false,
    },
  ])
})

t.test('refused calls are logged with their status and no charge', async (t) => {
  const { sim } = await startSim(t)
  await rawJson(sim, GENERATE_PATH, textBody('x'), 'unknown-key')
  await rawJson(sim, GENERATE_PATH, textBody('x'), null)
  await rawJson(sim, '/v1beta/models/nope:generateContent', textBody('x'))
  t.match(sim.calls, [
    { key: 'unknown-key', project: null, model: 'gemini-2.5-flash', status: 400, units: 0 },
    { key: null, project: null, status: 403, units: 0 },
    { key: ALPHA, project: 'alpha', model: 'nope', status: 404, units: 0 },
  ])
})

t.test('other calls are logged with operation other and no model', async (t) => {
  const { sim } = await startSim(t)
  await genai(sim).models.list()
  t.match(sim.calls, [{ operation: 'other', model: null, method: 'GET', path: '/v1beta/models' }])
})

t.test('clearCalls empties the log that sim.calls shows', async (t) => {
  const { sim } = await startSim(t)
  await rawJson(sim, GENERATE_PATH, textBody('x'))
  const log = sim.calls
  sim.clearCalls()
  t.equal(log.length, 0)
  await rawJson(sim, GENERATE_PATH, textBody('y'))
  t.equal(sim.calls.length, 1)
})

t.test(
  'the call log and usage are readable over HTTP, and control calls are not logged',
  async (t) => {
    const { sim } = await startSim(t)
    await rawJson(sim, GENERATE_PATH, textBody('x'))
    const calls = await raw(sim, 'GET', '/__sim/calls')
    t.match(calls.json, { calls: [{ path: GENERATE_PATH, status: 200 }] })
    const usage = await raw(sim, 'GET', '/__sim/usage?project=alpha&model=gemini-2.5-flash')
    t.same(usage.json, { rpm: 1, tpm: 1, rpd: 1, limits: { rpm: 10, tpm: 250_000, rpd: 250 } })
    t.equal((await raw(sim, 'DELETE', '/__sim/calls')).status, 200)
    t.same(sim.calls, [])
  },
)

t.test('recordCalls: false keeps the call log empty', async (t) => {
  const { sim } = await startSim(t, { recordCalls: false })
  t.equal((await rawJson(sim, GENERATE_PATH, textBody('x'))).status, 200)
  t.same(sim.calls, [])
  t.equal(sim.usage('alpha', 'gemini-2.5-flash').rpm, 1, 'quota is still kept')
})
