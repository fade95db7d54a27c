import t from 'tap'
import { FairQueue } from '../../src/queue/index.js'
import { drain } from './queue-helpers.js'

const FREE = 0
const PREMIUM = 1
const VIP = 2
const STEP = 30_000

void t.test('a vip call pushed after 100 free calls is served first', (t) => {
  const queue = new FairQueue<string>()
  for (let i = 0; i < 100; i++) {
    queue.push(`free-${i}`, { priority: FREE, client: `c${i % 7}`, units: 1, enqueuedAt: i })
  }
  queue.push('vip', { priority: VIP, client: 'c3', units: 1, enqueuedAt: 100 })

  t.equal(queue.shift(100)?.item, 'vip')
  t.equal(queue.size, 100)
  t.end()
})

void t.test('priorities are served from the highest down', (t) => {
  const queue = new FairQueue<number>()
  const priorities = [0, 2, 1, 0, 2, 1, 5, -1]
  priorities.forEach((priority, i) => {
    queue.push(priority, { priority, client: 'one', units: 1, enqueuedAt: i })
  })

  t.same(
    drain(queue, 10).map((entry) => entry.item),
    [5, 2, 2, 1, 1, 0, 0, -1],
  )
  t.end()
})

void t.test('a free call that waited long enough beats a newly arrived vip call', (t) => {
  const queue = new FairQueue<string>({ agingStepMs: STEP })
  queue.push('free', { priority: FREE, client: 'batch', units: 1, enqueuedAt: 0 })

  const tied = 2 * STEP
  const vip = queue.push('vip', { priority: VIP, client: 'web', units: 1, enqueuedAt: tied })
  t.equal(queue.peek(tied)?.item, 'vip', 'two steps of age tie with vip; the tie goes to vip')
  t.equal(queue.peek(tied + STEP - 1)?.item, 'vip', 'the vip call ages too, keeping the tie')

  queue.remove(vip)
  const later = 3 * STEP
  queue.push('vip', { priority: VIP, client: 'web', units: 1, enqueuedAt: later })
  t.equal(queue.shift(later)?.item, 'free', 'three steps of age outrank a fresh vip call')
  t.equal(queue.shift(later)?.item, 'vip')
  t.end()
})

void t.test('the default ageing step is 30 seconds', (t) => {
  const queue = new FairQueue<string>()
  queue.push('free', { priority: FREE, client: 'batch', units: 1, enqueuedAt: 0 })
  queue.push('premium', { priority: PREMIUM, client: 'web', units: 1, enqueuedAt: 59_999 })

  t.equal(queue.peek(59_999)?.item, 'premium')
  t.equal(queue.peek(60_000)?.item, 'free')
  t.end()
})

/** Pushes `perTick` vip calls a second, serves one a second; returns when `free` was served. */
function serveFreeUnderVipStream(perTick: number): number | undefined {
  const queue = new FairQueue<string>({ agingStepMs: STEP })
  queue.push('free', { priority: FREE, client: 'batch', units: 1, enqueuedAt: 0 })

  for (let now = 0; now <= 20 * STEP; now += 1000) {
    for (let i = 0; i < perTick; i++) {
      queue.push('vip', { priority: VIP, client: `web-${i}`, units: 1, enqueuedAt: now })
    }
    if (queue.shift(now)?.item === 'free') return now
  }
  return undefined
}

void t.test('a steady stream of vip calls delays a free call by a bounded time', (t) => {
  const servedAt = serveFreeUnderVipStream(1)
  t.ok(servedAt !== undefined && servedAt <= (VIP - FREE + 1) * STEP, `served at ${servedAt}`)
  t.end()
})

void t.test('a free call is still served when vip calls arrive faster than they leave', (t) => {
  // The vip backlog ages too, at half the rate of the free call: the free call's level
  // overtakes once it has waited about twice the vip lead in steps, plus one.
  const servedAt = serveFreeUnderVipStream(2)
  t.ok(servedAt !== undefined && servedAt <= 2 * (VIP - FREE + 1) * STEP, `served at ${servedAt}`)
  t.end()
})

void t.test('a call stamped in the future gains no age', (t) => {
  const queue = new FairQueue<string>({ agingStepMs: STEP })
  queue.push('free', { priority: FREE, client: 'batch', units: 1, enqueuedAt: 10 * STEP })
  queue.push('premium', { priority: PREMIUM, client: 'web', units: 1, enqueuedAt: 10 * STEP })

  t.equal(queue.peek(0)?.item, 'premium')
  t.end()
})

void t.test('an ageing step that is not positive is refused', (t) => {
  t.throws(() => new FairQueue({ agingStepMs: 0 }), RangeError)
  t.throws(() => new FairQueue({ agingStepMs: Number.NaN }), RangeError)
  t.end()
})

void t.test('a push with options the ordering cannot use is refused', (t) => {
  const queue = new FairQueue<string>()
  const valid = { priority: 0, client: 'a', units: 1, enqueuedAt: 0 }
  for (const bad of [
    { units: 0 },
    { units: -1 },
    { units: Number.POSITIVE_INFINITY },
    { priority: Number.NaN },
    { enqueuedAt: Number.NaN },
    { bytes: -1 },
  ]) {
    t.throws(() => queue.push('x', { ...valid, ...bad }), RangeError, JSON.stringify(bad))
  }
  t.equal(queue.size, 0)
  t.end()
})
