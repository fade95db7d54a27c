import t from 'tap'
import { FairQueue, type QueueEntry } from '../../src/queue/index.js'
import { drain, pick, randomInt, seededRandom } from './queue-helpers.js'

/** A seeded stream of calls; those in `skip` are left out, as if never sent. */
function seededQueue(seed: number, count: number, skip = new Set<number>()) {
  const queue = new FairQueue<number>()
  const entries: QueueEntry<number>[] = []
  const random = seededRandom(seed)
  for (let i = 0; i < count; i++) {
    const options = {
      priority: randomInt(random, 2),
      client: pick(random, ['a', 'b', 'c', 'd']),
      units: pick(random, [1, 3, 10]),
      enqueuedAt: i,
      bytes: 100,
    }
    if (!skip.has(i)) entries.push(queue.push(i, options))
  }
  return { queue, entries }
}

/** Calls that wait behind an earlier call of their own client at their own priority. */
function callsBehindTheirClient(entries: QueueEntry<number>[]): QueueEntry<number>[] {
  const seen = new Set<string>()
  return entries.filter((entry) => {
    const lane = `${entry.client}/${entry.priority}`
    const isBehind = seen.has(lane)
    seen.add(lane)
    return isBehind
  })
}

void t.test('removing calls from the middle leaves the queue as if they were never sent', (t) => {
  const full = seededQueue(5, 300)
  const random = seededRandom(99)
  const removable = callsBehindTheirClient(full.entries)
  const removed = new Set<number>()
  while (removed.size < 60) removed.add(removable[randomInt(random, removable.length)]!.item)

  for (const entry of full.entries) {
    if (removed.has(entry.item)) t.equal(full.queue.remove(entry), true)
  }
  t.equal(full.queue.size, 240)
  t.equal(full.queue.bytes, 240 * 100)

  const neverSent = seededQueue(5, 300, removed)
  const expected = drain(neverSent.queue, 1000).map((entry) => entry.item)
  t.same(
    drain(full.queue, 1000).map((entry) => entry.item),
    expected,
  )
  t.end()
})

void t.test('a cancelled head gives its turn back to its client', (t) => {
  const queue = new FairQueue<string>()
  const a1 = queue.push('a1', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  queue.push('a2', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  queue.push('b1', { priority: 0, client: 'b', units: 1, enqueuedAt: 0 })
  queue.push('b2', { priority: 0, client: 'b', units: 1, enqueuedAt: 0 })

  queue.remove(a1)
  t.same(
    drain(queue, 0).map((entry) => entry.item),
    ['a2', 'b1', 'b2'],
  )
  t.end()
})

void t.test('size and bytes follow pushes, shifts and removals', (t) => {
  const queue = new FairQueue<string>()
  const big = queue.push('big', { priority: 0, client: 'a', units: 1, enqueuedAt: 0, bytes: 500 })
  queue.push('small', { priority: 1, client: 'b', units: 1, enqueuedAt: 0, bytes: 20 })
  queue.push('none', { priority: 0, client: 'c', units: 1, enqueuedAt: 0 })
  t.equal(queue.size, 3)
  t.equal(queue.bytes, 520)
  t.same(
    [...queue.byPriority()],
    [
      [1, 1],
      [0, 2],
    ],
  )

  queue.shift(0)
  t.equal(queue.bytes, 500)
  queue.remove(big)
  t.equal(queue.size, 1)
  t.equal(queue.bytes, 0)
  t.same(
    [...queue].map((entry) => entry.item),
    ['none'],
  )
  t.end()
})

void t.test('a call that already left, or belongs to another queue, is not removed', (t) => {
  const queue = new FairQueue<string>()
  const other = new FairQueue<string>()
  const served = queue.push('served', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  const waiting = queue.push('waiting', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })
  const foreign = other.push('foreign', { priority: 0, client: 'a', units: 1, enqueuedAt: 0 })

  t.equal(queue.shift(0), served)
  t.equal(served.isWaiting, false)
  t.equal(queue.remove(served), false)
  t.equal(queue.remove(foreign), false)
  t.equal(queue.remove(waiting), true)
  t.equal(queue.remove(waiting), false)
  t.equal(queue.size, 0)
  t.equal(other.size, 1)
  t.end()
})

void t.test('cancelled and served calls leave no state behind', (t) => {
  const queue = new FairQueue<number>()
  const entries: QueueEntry<number>[] = []
  for (let i = 0; i < 10_000; i++) {
    entries.push(queue.push(i, { priority: i % 3, client: `c${i}`, units: 5, enqueuedAt: i }))
  }
  for (const entry of entries) queue.remove(entry)
  t.equal(queue.size, 0)
  t.equal(queue.trackedClients, 0)
  t.same([...queue.byPriority()], [])

  for (let i = 0; i < 1000; i++) {
    queue.push(i, { priority: 0, client: `c${i % 10}`, units: 5, enqueuedAt: i })
  }
  drain(queue, 0)
  t.equal(queue.trackedClients, 0)
  t.end()
})

void t.test('one-off clients are forgotten once the turns they were owed have passed', (t) => {
  const queue = new FairQueue<number>()
  for (let i = 0; i < 5000; i++)
    queue.push(i, { priority: 0, client: 'heavy', units: 1, enqueuedAt: 0 })

  let mostTracked = 0
  for (let i = 0; i < 2000; i++) {
    queue.push(i, { priority: 0, client: `once-${i}`, units: 3, enqueuedAt: 0 })
    queue.shift(0)
    queue.shift(0)
    mostTracked = Math.max(mostTracked, queue.trackedClients)
  }
  t.ok(mostTracked <= 5, `at most ${mostTracked} clients tracked`)
  t.end()
})
