import t from 'tap'
import { KeypoolError } from '../../src/errors/keypool-error.js'
import { Cancellation, type CancelWatcher } from '../../src/util/cancellation.js'
import { MODEL, schedulerFixture } from '../helpers/scheduler-fixture.js'

const GONE = new Error('the socket closed')

/**
 * One key allowed one request a minute: the second call of a minute must wait, and two calls
 * at most may wait at a time.
 */
function oneCallAMinute() {
  const {
    scheduler,
    clock,
    plan: planned,
  } = schedulerFixture({
    keys: [{ id: 'k1', key: 'secret-1', project: 'p1' }],
    limits: [{ models: MODEL, rpm: 1, tpm: 1_000_000, rpd: 1000 }],
    pools: { main: { keys: ['k1'] } },
    queue: { maxSize: 2, maxWait: '10m' },
  })
  const plan = (cancellation = new Cancellation()) => planned({ cancellation })
  const depth = () => scheduler.queueDepths()[0]!.depth
  return { scheduler, clock, plan, depth }
}

/** How an acquire ended: 'served', or the refusal's code and message. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'served'
  } catch (error) {
    return error instanceof KeypoolError ? `${error.code}: ${error.message}` : String(error)
  }
}

t.test('a waiting call whose client goes away leaves the queue and takes no unit', async (t) => {
  const { scheduler, clock, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const waitAlone = scheduler.predictWait(plan())
  const cancellation = new Cancellation()
  const waiting = scheduler.acquire(plan(cancellation))
  t.equal(depth(), 1, 'the second call of the minute waits')
  t.ok(scheduler.predictWait(plan())! > waitAlone!, 'and a third would wait behind it')

  cancellation.cancel(GONE)
  t.equal(depth(), 0, 'the queue is empty at once')
  t.equal(scheduler.predictWait(plan()), waitAlone, 'and no one waits behind it any more')
  t.match(await refusal(waiting), /^KP_ERR_INTERNAL: .*client went away/)

  clock.advance(60_000)
  const after = scheduler.acquire(plan())
  t.equal(depth(), 0, "the next minute's call goes at once: the gone call took nothing")
  t.equal((await after).key.id, 'k1')
})

t.test('a call whose client left before it could queue is never queued', async (t) => {
  const { scheduler, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const cancellation = new Cancellation()
  cancellation.cancel(GONE)

  const refused = scheduler.acquire(plan(cancellation))
  t.equal(depth(), 0, 'it left before anything could see it wait')
  t.match(await refusal(refused), /^KP_ERR_INTERNAL: .*client went away/)
})

t.test('cancelling a call after it was served counts no one out of the queue', async (t) => {
  const { scheduler, clock, plan, depth } = oneCallAMinute()
  await scheduler.acquire(plan())
  const cancellation = new Cancellation()
  const waiting = scheduler.acquire(plan(cancellation))
  const behind = scheduler.acquire(plan())
  clock.advance(60_000)
  await waiting

  // The served call left the queue once; its client going away now must not count it out a
  // second time, which would hide the call behind it from the depth and the size limit. (Two
  // guards stop it: serving unwatches the call, and the queue refuses to remove it twice.)
  cancellation.cancel(GONE)
  t.equal(depth(), 1, 'the call behind still waits')
  const another = scheduler.acquire(plan())
  t.match(await refusal(scheduler.acquire(plan())), /^KP_ERR_QUEUE_FULL/, 'two wait: it is full')
  clock.advance(60_000)
  t.equal((await behind).key.id, 'k1')
  clock.advance(60_000)
  t.equal((await another).key.id, 'k1')
})

t.test('a cancellation tells its current watcher once', async (t) => {
  const told: string[] = []
  const watcher = (name: string): CancelWatcher => ({
    onCancel: (reason) => told.push(`${name}: ${reason.message}`),
  })
  const cancellation = new Cancellation()
  const queue = watcher('queue')
  const attempt = watcher('attempt')
  cancellation.watch(queue)
  cancellation.watch(attempt)
  cancellation.unwatch(queue)
  t.notOk(cancellation.isCancelled)

  cancellation.cancel(GONE)
  cancellation.cancel(new Error('again'))
  t.same(told, ['attempt: the socket closed'], 'a stale unwatch leaves the newer watcher')
  t.equal(cancellation.reason, GONE, 'the first reason stays')

  cancellation.watch(watcher('late'))
  t.same(told.at(-1), 'late: the socket closed', 'a watcher after the fact is told at once')
})
