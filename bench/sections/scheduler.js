import { markdownTable } from '../report/markdown.js'
import { count, ratio } from '../report/numbers.js'
import { measureScheduler } from '../scheduler/measure.js'

const KEY_COUNTS = [3, 100, 1000]
/**
 * A short queue beside the deep one: a call that waits does more than one granted at once
 * (enqueue, then dequeue), so "flat" compares queue depths, 100 against 10,000.
 */
const SHORT_QUEUE = 100

/** The scheduler micro-benchmark (issue part 3): 3, 100 and 1,000 keys, 0, 100 or N waiting. */
export async function schedulerSection({ mode, progress }) {
  const results = []
  for (const waiting of [0, SHORT_QUEUE, mode.waiting]) {
    for (const keyCount of KEY_COUNTS) {
      const result = await measureScheduler({ keyCount, waiting, seconds: mode.schedulerS })
      results.push({ keyCount, waiting, ...result })
      progress(
        `scheduler ${keyCount} keys, ${waiting} waiting: ${count(result.callsPerSecond)} calls/s`,
      )
    }
  }
  const find = (keyCount, waiting) =>
    results.find((r) => r.keyCount === keyCount && r.waiting === waiting)
  const rows = results.map((r) => {
    const threeKeys = find(3, r.waiting)
    const shortQueue = r.waiting > 0 ? find(r.keyCount, SHORT_QUEUE) : undefined
    return [
      count(r.keyCount),
      count(r.waiting),
      count(r.callsPerSecond),
      r.usPerCall.toFixed(2),
      ratio(r.usPerCall, threeKeys.usPerCall),
      shortQueue ? ratio(r.usPerCall, shortQueue.usPerCall) : '–',
    ]
  })
  const header = [
    'keys',
    'waiting',
    'calls/s (acquire + settle)',
    'µs per call',
    'to 3 keys',
    `to ${SHORT_QUEUE} waiting`,
  ]
  const table = `**Scheduler alone** (a call waits when others wait; ratios at the same queue, same keys)\n\n${markdownTable(header, rows)}`
  return { tables: [table], figures: {} }
}
