import t from 'tap'
import { BinaryHeap, type HeapSlot } from '../../src/queue/heap.js'
import { randomInt, seededRandom } from './queue-helpers.js'

void t.test('values leave in order, whatever left from the middle before', (t) => {
  const random = seededRandom(7)
  const heap = new BinaryHeap<number>((a, b) => a < b)
  const slots: HeapSlot<number>[] = []

  for (let i = 0; i < 2000; i++) slots.push(heap.push(randomInt(random, 500)))
  for (let i = 0; i < 700; i++) heap.remove(slots[randomInt(random, slots.length)]!)

  const expected = slots.filter((slot) => slot.index >= 0).map((slot) => slot.value)
  expected.sort((a, b) => a - b)
  const popped: number[] = []
  for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value)
  t.same(popped, expected)
  t.equal(heap.size, 0)
  t.end()
})

void t.test('a slot that already left is not removed again', (t) => {
  const heap = new BinaryHeap<string>((a, b) => a < b)
  const a = heap.push('a')
  heap.push('b')

  t.equal(heap.remove(a), true)
  t.equal(heap.remove(a), false)
  t.equal(a.index, -1)
  t.equal(heap.size, 1)
  t.equal(heap.peek(), 'b')
  t.end()
})

void t.test('update puts a value back in order after its key changed', (t) => {
  const heap = new BinaryHeap<{ key: number }>((a, b) => a.key < b.key)
  const values = [5, 3, 8, 1, 9].map((key) => ({ key }))
  const slots = values.map((value) => heap.push(value))

  values[4]!.key = 0
  heap.update(slots[4]!)
  values[3]!.key = 10
  heap.update(slots[3]!)

  const order: number[] = []
  for (let value = heap.pop(); value; value = heap.pop()) order.push(value.key)
  t.same(order, [0, 3, 5, 8, 10])
  t.end()
})

void t.test('heaps sharing a counter count every comparison', (t) => {
  const counter = { comparisons: 0 }
  const first = new BinaryHeap<number>((a, b) => a < b, counter)
  const second = new BinaryHeap<number>((a, b) => a < b, counter)

  first.push(2)
  first.push(1)
  second.push(2)
  second.push(1)
  t.equal(counter.comparisons, 2)
  t.end()
})
