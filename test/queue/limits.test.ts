import t from 'tap'
import { HeldBytesLimit, QueueLimits } from '../../src/queue/index.js'

void t.test('a pool admits calls up to maxSize and refuses the next', (t) => {
  const limits = new QueueLimits({ maxSize: 2, heldBytes: new HeldBytesLimit(1000) })

  t.same(limits.tryAdmit(10), { admitted: true })
  t.same(limits.tryAdmit(10), { admitted: true })
  t.same(limits.tryAdmit(10), { admitted: false, limit: 'maxSize' })
  t.equal(limits.size, 2)
  t.equal(limits.heldBytes, 20)
  t.end()
})

void t.test('held bytes are bounded across all pools together', (t) => {
  const heldBytes = new HeldBytesLimit(100)
  const generation = new QueueLimits({ maxSize: 10, heldBytes })
  const embeddings = new QueueLimits({ maxSize: 10, heldBytes })

  t.same(generation.tryAdmit(60), { admitted: true })
  t.same(embeddings.tryAdmit(41), { admitted: false, limit: 'maxBytes' })
  t.same(embeddings.tryAdmit(40), { admitted: true })
  t.equal(heldBytes.held, 100)
  t.end()
})

void t.test('a refused call changes no counter', (t) => {
  const heldBytes = new HeldBytesLimit(50)
  const limits = new QueueLimits({ maxSize: 1, heldBytes })

  t.equal(limits.tryAdmit(51).admitted, false)
  t.equal(limits.size, 0)
  t.equal(heldBytes.held, 0)
  t.end()
})

void t.test('a released call makes room for the next', (t) => {
  const limits = new QueueLimits({ maxSize: 1, heldBytes: new HeldBytesLimit(50) })

  t.equal(limits.tryAdmit(50).admitted, true)
  t.equal(limits.tryAdmit(0).admitted, false)
  limits.release(50)
  t.equal(limits.size, 0)
  t.equal(limits.heldBytes, 0)
  t.equal(limits.tryAdmit(50).admitted, true)
  t.end()
})

void t.test('releasing more than was admitted is a bug and throws', (t) => {
  const limits = new QueueLimits({ maxSize: 5, heldBytes: new HeldBytesLimit(50) })

  t.throws(() => limits.release(0), RangeError)
  limits.tryAdmit(10)
  t.throws(() => limits.release(11), RangeError)
  t.equal(limits.size, 1)
  t.end()
})
