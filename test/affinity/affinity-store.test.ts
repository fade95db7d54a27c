import t from 'tap'
import { KeypoolError } from '../../src/errors/keypool-error.js'
import { Affinity } from '../../src/pool/affinity.js'
import { MemoryAffinityStore } from '../../src/state/memory-affinity-store.js'
import { ManualClock } from '../../src/util/clock.js'

const HOUR = 3_600_000

t.test('a pin holds until its end on the caller clock, then is gone', async (t) => {
  const store = new MemoryAffinityStore()
  store.pin('files/a', { project: 'alpha' }, 1000)
  t.same(store.lookupMany(['files/a', 'files/b'], 999), [{ project: 'alpha' }, undefined])
  t.same(store.lookupMany(['files/a'], 1000), [undefined])
  t.equal(store.size, 0, 'an expired pin is dropped when read')
})

t.test('the store is bounded: the least recently used pins go first', async (t) => {
  const store = new MemoryAffinityStore(3)
  for (const name of ['files/1', 'files/2', 'files/3']) store.pin(name, { project: 'p' }, 10)
  store.lookupMany(['files/1'], 0)
  store.pin('files/4', { project: 'p' }, 10)
  t.equal(store.size, 3)
  t.same(
    store.lookupMany(['files/1', 'files/2', 'files/3', 'files/4'], 0).map((pin) => pin?.project),
    ['p', undefined, 'p', 'p'],
  )
})

t.test('pinIfAbsent keeps a live pin and replaces an expired one', async (t) => {
  const store = new MemoryAffinityStore()
  t.same(store.pinIfAbsent('clients/a/uploads', { project: 'alpha' }, 100, 0), { project: 'alpha' })
  t.same(store.pinIfAbsent('clients/a/uploads', { project: 'beta' }, 100, 50), { project: 'alpha' })
  t.same(store.pinIfAbsent('clients/a/uploads', { project: 'beta' }, 300, 100), { project: 'beta' })
})

t.test('files are kept 48 hours, caches and others longer', async (t) => {
  const clock = new ManualClock(0)
  const affinity = new Affinity({ store: new MemoryAffinityStore(), clock })
  await affinity.learn(['files/f', 'cachedContents/c'], { project: 'alpha' })
  clock.advance(48 * HOUR - 1)
  t.equal(await affinity.projectOf(['files/f']), 'alpha')
  clock.advance(1)
  t.equal(await affinity.projectOf(['files/f']), undefined, 'files expire upstream after 48 h')
  t.equal(await affinity.projectOf(['cachedContents/c']), 'alpha')
})

t.test(
  'names of one project give it; of two, a FAILED_PRECONDITION; unknown ones nothing',
  async (t) => {
    const affinity = new Affinity({ store: new MemoryAffinityStore(), clock: new ManualClock(0) })
    await affinity.learn(['files/a', 'cachedContents/c'], { project: 'alpha' })
    await affinity.learn(['files/b'], { project: 'beta' })
    t.equal(await affinity.projectOf(['files/a', 'cachedContents/c', 'files/unknown']), 'alpha')
    t.equal(await affinity.projectOf(['files/unknown']), undefined)
    const error = await affinity.projectOf(['files/a', 'files/b']).catch((e: unknown) => e)
    t.ok(error instanceof KeypoolError)
    t.equal((error as KeypoolError).code, 'KP_ERR_MIXED_PROJECTS')
    t.equal((error as KeypoolError).httpStatus, 400)
    t.match((error as KeypoolError).message, 'files/a in alpha, files/b in beta')
  },
)
