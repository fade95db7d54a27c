import t from 'tap'
import type { RequestFinished } from '../../src/observe/events.js'
import { DemoTally } from '../../src/demo/tally.js'

const client = { id: 'free-1', tier: 'free', priority: 0, token: 't' } as const

function finished(fields: Partial<RequestFinished>): RequestFinished {
  return {
    requestId: `r-${Math.random()}`,
    client: client.id,
    pool: 'generate',
    operation: 'generate',
    model: 'gemini-2.5-flash',
    status: 200,
    code: undefined,
    key: 'alpha-1',
    attempts: 1,
    queueMs: 0,
    durationMs: 5,
    ...fields,
  }
}

t.test('waits count served calls, 0 included, and calls whose wait ran out', async (t) => {
  const tally = new DemoTally([client])
  const report = (event: RequestFinished) => tally.observer.requestFinished(event)
  report(finished({ queueMs: 0 }))
  report(finished({ queueMs: 5_000 }))
  // Refused at once: no wait to count, not even 0.
  report(finished({ status: 429, code: 'KP_ERR_WAIT_TOO_LONG', attempts: 0, key: undefined }))
  // Held until its wait ran out: the whole wait, not the time around it.
  report(
    finished({
      status: 504,
      code: 'KP_ERR_QUEUE_TIMEOUT',
      attempts: 0,
      key: undefined,
      queueMs: 120_000,
      durationMs: 120_040,
    }),
  )

  const generate = tally.rows().find((row) => row.kind === 'generate')!
  t.same(generate.waitsMs, [0, 5_000, 120_000])
})
