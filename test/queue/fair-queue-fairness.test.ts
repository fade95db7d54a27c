import t from 'tap'
import { FairQueue, type QueueEntry } from '../../src/queue/index.js'
import { drain, pick, randomInt, seededRandom } from './queue-helpers.js'

interface Call {
  readonly client: string
  readonly n: number
}

function pushCalls(queue: FairQueue<Call>, client: string, count: number, units = 1): void {
  for (let n = 0; n < count; n++) {
    queue.push({ client, n }, { priority: 0, client, units, enqueuedAt: 0 })
  }
}

/** Shifts until `client` is served; returns how many calls of other clients went first. */
function turnsBefore(queue: FairQueue<Call>, client: string): number {
  let others = 0
  for (let entry = queue.shift(0); entry; entry = queue.shift(0)) {
    if (entry.client === client) return others
    others++
  }
  return Number.POSITIVE_INFINITY
}

void t.test('a light client waits at most one turn of a client with 500 calls queued', (t) => {
  for (const servedBefore of [0, 1, 17, 250, 499]) {
    const queue = new FairQueue<Call>()
    pushCalls(queue, 'heavy', 500)
    for (let i = 0; i < servedBefore; i++) queue.shift(0)

    pushCalls(queue, 'light', 1)
    t.ok(turnsBefore(queue, 'light') <= 1, `after ${servedBefore} heavy calls were served`)
  }
  t.end()
})

void t.test('a light client waits at most one turn of each of several busy clients', (t) => {
  const random = seededRandom(11)
  const queue = new FairQueue<Call>()
  for (const client of ['a', 'b', 'c', 'd']) pushCalls(queue, client, 200)
  for (let i = 0; i < 123; i++) queue.shift(0)

  pushCalls(queue, 'light', 1)
  for (let i = 0; i < 50; i++) pushCalls(queue, pick(random, ['a', 'b', 'c', 'd']), 1)
  t.ok(turnsBefore(queue, 'light') <= 4)
  t.end()
})

void t.test('clients with equal calls take turns in rotation', (t) => {
  const queue = new FairQueue<Call>()
  for (const client of ['a', 'b', 'c']) pushCalls(queue, client, 4)

  const clients = drain(queue, 0).map((entry) => entry.client)
  t.same(clients.join(''), 'abcabcabcabc')
  t.end()
})

void t.test('a 100-unit embed counts as 100 one-unit calls', (t) => {
  const queue = new FairQueue<Call>()
  pushCalls(queue, 'embedder', 3, 100)
  pushCalls(queue, 'chatter', 400, 1)

  const order = drain(queue, 0).map((entry) => entry.client)
  const embedTurns = order.flatMap((client, i) => (client === 'embedder' ? [i] : []))
  t.same(embedTurns, [0, 101, 202], 'a hundred chatter calls between embeds')
  t.end()
})

void t.test('a client that sends one call at a time still pays for its units', (t) => {
  const queue = new FairQueue<Call>()
  pushCalls(queue, 'embedder', 1, 100)
  pushCalls(queue, 'chatter', 300, 1)

  t.equal(queue.shift(0)?.client, 'embedder')
  pushCalls(queue, 'embedder', 1, 100)
  // Chatter tags 0..99 go first; at tag 100 the tie goes to the chatter call pushed earlier.
  t.equal(turnsBefore(queue, 'embedder'), 101)
  t.end()
})

void t.test('an idle client that returns gains no credit for the time it was away', (t) => {
  const queue = new FairQueue<Call>()
  pushCalls(queue, 'busy', 300)
  for (let i = 0; i < 200; i++) queue.shift(0)

  pushCalls(queue, 'returning', 5)
  const order = drain(queue, 0)
    .slice(0, 10)
    .map((entry) => entry.client[0])
  t.same(order.join(''), 'rbrbrbrbrb')
  t.end()
})

void t.test('calls of one client at one priority are served in the order pushed', (t) => {
  const random = seededRandom(3)
  const queue = new FairQueue<Call>({ agingStepMs: 1000 })
  const pushed: QueueEntry<Call>[] = []
  for (let i = 0; i < 600; i++) {
    const client = pick(random, ['a', 'b', 'c'])
    const options = {
      priority: randomInt(random, 3),
      client,
      units: pick(random, [1, 1, 7, 100]),
      enqueuedAt: i * 10,
    }
    pushed.push(queue.push({ client, n: i }, options))
  }

  const served = drain(queue, 6000)
  t.equal(served.length, pushed.length)
  for (const client of ['a', 'b', 'c']) {
    for (const priority of [0, 1, 2]) {
      const ns = served
        .filter((entry) => entry.client === client && entry.priority === priority)
        .map((entry) => entry.item.n)
      t.same(
        ns,
        [...ns].sort((x, y) => x - y),
        `${client} at ${priority}`,
      )
    }
  }
  t.end()
})
