import { GoogleGenAI } from '@google/genai'
import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { startStack } from '../helpers/stack.js'
import { maxInWindow, waitFor } from '../helpers/wait.js'

const MODEL = 'gemini-2.5-flash'
const RPM = 5

t.test(
  '20 concurrent SDK calls over three projects at 5 rpm all succeed with no over-limit call',
  async (t) => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12))
    const keys = [
      { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
      { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
      { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
    ]
    const limit = { models: MODEL, rpm: RPM, tpm: 250_000, rpd: 100 }
    const stack = await startStack(t, {
      clock,
      sim: { limits: [limit] },
      config: { keys, limits: [limit], pools: { main: { keys: keys.map((k) => k.id) } } },
    })
    const ai = new GoogleGenAI({ apiKey: 'anything', httpOptions: { baseUrl: stack.url } })

    const calls = Array.from({ length: 20 }, (_, i) =>
      ai.models.generateContent({ model: MODEL, contents: `question ${i}` }),
    )
    await waitFor(() => stack.sim.calls.length === 15, 'the first 15 calls to reach the upstream')
    await waitFor(
      () => stack.keypool.scheduler.queueDepths()[0]!.depth === 5,
      'the other 5 calls to wait in the queue',
    )
    clock.advance(60_000)
    const answers = await Promise.all(calls)

    t.equal(answers.filter((a) => a.text).length, 20, 'every call got an answer')
    t.equal(
      stack.sim.calls.filter((c) => c.overLimit).length,
      0,
      'the upstream saw no over-limit call',
    )
    for (const project of ['alpha', 'beta', 'gamma']) {
      const times = stack.sim.calls.filter((c) => c.project === project).map((c) => c.at)
      t.ok(maxInWindow(times) <= RPM, `project ${project} never exceeded ${RPM} calls in 60 s`)
    }
  },
)
