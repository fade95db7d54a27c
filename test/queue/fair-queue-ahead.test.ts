import t from 'tap'
import { FairQueue, type QueueEntry } from '../../src/queue/index.js'
import { drain, pick, randomInt, seededRandom } from './queue-helpers.js'

const STEP = 30_000

/**
 * A queue after a random history: pushes from a few clients at three priorities with mixed
 * units, some stamped a little in the past, with shifts and cancellations along the way, so
 * that virtual times, owed clients and ages are all in play. Returns the time reached.
 */
function randomHistory(seed: number): { queue: FairQueue<number>; now: number } {
  const random = seededRandom(seed)
  const queue = new FairQueue<number>({ agingStepMs: STEP })
  const waiting: QueueEntry<number>[] = []
  let now = 0
  for (let i = 0; i < 400; i++) {
    now += randomInt(random, 2000)
    const roll = random()
    if (roll < 0.65) {
      const options = {
        priority: pick(random, [0, 0, 1, 2]),
        client: pick(random, ['a', 'b', 'c', 'd', 'e']),
        units: pick(random, [1, 1, 1, 4, 100]),
        enqueuedAt: now - randomInt(random, 5000),
      }
      waiting.push(queue.push(i, options))
    } else if (roll < 0.85) {
      queue.shift(now)
    } else if (waiting.length > 0) {
      queue.remove(waiting[randomInt(random, waiting.length)]!)
    }
  }
  return { queue, now }
}

void t.test('ahead counts exactly the calls a drain would serve first', (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const { queue, now } = randomHistory(seed)
    const at = now + randomInt(seededRandom(seed), 6 * STEP)

    const waiting = [...queue]
    const predicted = new Map(waiting.map((entry) => [entry, queue.ahead(entry, at)]))
    const served = drain(queue, at)

    t.equal(served.length, waiting.length)
    const misses = served.filter((entry, position) => predicted.get(entry) !== position)
    t.equal(misses.length, 0, `seed ${seed}: ${served.length} calls at ${at}`)
  }
  t.end()
})

void t.test('the call next in line has nobody ahead of it', (t) => {
  const { queue, now } = randomHistory(77)
  const next = queue.peek(now)!

  t.equal(queue.ahead(next, now), 0)
  t.equal(queue.shift(now), next)
  t.end()
})

void t.test('a call that is no longer waiting has no place in the queue', (t) => {
  const queue = new FairQueue<string>()
  const served = queue.push('served', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  const cancelled = queue.push('cancelled', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  queue.shift(0)
  queue.remove(cancelled)

  t.equal(queue.ahead(served, 0), undefined)
  t.equal(queue.ahead(cancelled, 0), undefined)
  t.end()
})

void t.test('ahead of a free call shrinks as it ages past the vip calls', (t) => {
  const queue = new FairQueue<string>({ agingStepMs: STEP })
  const free = queue.push('free', { priority: 0, client: 'batch', units: 1, enqueuedAt: 0 })
  for (let i = 0; i < 5; i++) {
    queue.push(`vip-${i}`, { priority: 2, client: 'web', units: 1, enqueuedAt: 3 * STEP })
  }

  t.equal(queue.ahead(free, 3 * STEP - 1), 5)
  t.equal(queue.ahead(free, 3 * STEP), 0)
  t.end()
})
