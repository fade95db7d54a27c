import t from 'tap'
import { FairQueue, type QueueEntry } from '../../src/queue/index.js'
import { pick, randomInt, seededRandom } from './queue-helpers.js'

/**
 * Pushes n calls from 50 clients at three priorities, cancels a third of them at random and
 * shifts the rest as time passes; returns the heap comparisons the queue made.
 */
function churn(n: number): { comparisons: number; queue: FairQueue<number> } {
  const random = seededRandom(n)
  const queue = new FairQueue<number>()
  const entries: QueueEntry<number>[] = []
  for (let i = 0; i < n; i++) {
    const options = {
      priority: randomInt(random, 3),
      client: `client-${randomInt(random, 50)}`,
      units: pick(random, [1, 1, 2, 100]),
      enqueuedAt: i * 10,
    }
    entries.push(queue.push(i, options))
  }

  for (let i = 0; i < n / 3; i++) queue.remove(entries[randomInt(random, n)]!)
  for (let now = n * 10; queue.size > 0; now += 50) queue.shift(now)
  return { comparisons: queue.comparisons, queue }
}

void t.test('10,000 calls pushed, cancelled and shifted cost O(n log n) comparisons', (t) => {
  const n = 10_000
  const { comparisons, queue } = churn(n)

  t.equal(queue.size, 0)
  t.equal(queue.trackedClients, 0)
  // A call's own heap (ages) and its client's (turns) each cost at most ~2 log2 n to leave;
  // pushes of calls stamped in time order cost O(1). A quadratic queue would make ~n²/4.
  t.ok(comparisons <= 2 * n * Math.log2(n), `${comparisons} comparisons`)
  t.end()
})

void t.test('the work per call grows with log n, not with n', (t) => {
  const small = churn(1000).comparisons / 1000
  const large = churn(10_000).comparisons / 10_000

  t.ok(large / small < 2, `${small.toFixed(1)} then ${large.toFixed(1)} comparisons per call`)
  t.end()
})
