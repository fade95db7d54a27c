import { GoogleGenAI } from '@google/genai'
import t from 'tap'
import { ManualClock } from '../../src/util/clock.js'
import { startStack } from '../helpers/stack.js'
import { waitFor } from '../helpers/wait.js'

/**
 * What `keypool demo` once showed: vip calls refused with keypool.WaitTooLong while free calls
 * were still queued, because admission counted every waiting unit whatever its priority.
 * Admission now counts only the calls that would be served first.
 */

const MODEL = 'gemini-2.5-flash'
const LIMIT = { models: MODEL, rpm: 2, tpm: 250_000, rpd: 100 }

t.test(
  'a vip call is not refused for a queue of free calls that it would go ahead of',
  async (t) => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12))
    const stack = await startStack(t, {
      clock,
      sim: { limits: [LIMIT] },
      config: {
        keys: [{ id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' }],
        limits: [LIMIT],
        pools: { main: { keys: ['alpha-1'] } },
        clients: [
          { id: 'free-1', token: 'free-token-1', tier: 'free' },
          { id: 'vip-1', token: 'vip-token-1', tier: 'vip' },
        ],
      },
    })
    const sdk = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: stack.url } })
    const [free, vip] = [sdk('free-token-1'), sdk('vip-token-1')]
    const ask = (ai: GoogleGenAI) => ai.models.generateContent({ model: MODEL, contents: 'q' })
    const queued = () => stack.keypool.scheduler.queueDepths()[0]!.depth

    await Promise.all([ask(free), ask(free)])
    const waiting = [ask(free), ask(free), ask(free)]
    for (const call of waiting) call.catch(() => {})
    await waitFor(() => queued() === 3, 'three free calls to queue behind the full minute')

    let refusal: Error | undefined
    const vipCall = ask(vip).catch((error: Error) => {
      refusal = error
      return undefined
    })
    await waitFor(() => refusal !== undefined || queued() === 4, 'the vip call to queue')
    t.equal(refusal?.message, undefined, 'the vip call was queued, not refused')

    clock.advance(60_000)
    t.ok((await vipCall)?.text, 'the vip call is answered when the minute turns')
    clock.advance(120_000)
  },
)
