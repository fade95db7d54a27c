/**
 * A binary min-heap whose members can leave from anywhere. `push` hands back the slot the value
 * sits in; the slot tracks its own position, so `remove` and `update` cost O(log n) without a
 * search, and a cancelled call leaves no tombstone behind.
 */

/** Counts comparisons across every heap that shares it: a measure of work that tests can assert. */
export interface ComparisonCounter {
  comparisons: number
}

/** One value's place in a heap. */
export interface HeapSlot<T> {
  readonly value: T
  /** Position in the heap's array while the value is in the heap, -1 once it has left. */
  readonly index: number
}

interface MutableSlot<T> {
  readonly value: T
  index: number
}

/** True when `a` must leave the heap before `b`. */
export type Precedes<T> = (a: T, b: T) => boolean

export class BinaryHeap<T> {
  /** A complete binary tree: children of i at 2i+1 and 2i+2; every parent precedes its children. */
  readonly #slots: MutableSlot<T>[] = []
  readonly #precedes: Precedes<T>
  readonly #counter: ComparisonCounter

  constructor(precedes: Precedes<T>, counter: ComparisonCounter = { comparisons: 0 }) {
    this.#precedes = precedes
    this.#counter = counter
  }

  get size(): number {
    return this.#slots.length
  }

  /** The value that would leave first, without taking it. */
  peek(): T | undefined {
    return this.#slots[0]?.value
  }

  push(value: T): HeapSlot<T> {
    const slot: MutableSlot<T> = { value, index: this.#slots.length }
    this.#slots.push(slot)
    this.#siftUp(slot.index)
    return slot
  }

  pop(): T | undefined {
    const top = this.#slots[0]
    if (!top) return undefined
    this.remove(top)
    return top.value
  }

  /** Takes the slot's value out; false when it had already left this heap. */
  remove(slot: HeapSlot<T>): boolean {
    const index = slot.index
    const own = this.#slots[index]
    if (own === undefined || own !== slot) return false

    const last = this.#slots.pop() as MutableSlot<T>
    own.index = -1
    if (last === own) return true

    last.index = index
    this.#slots[index] = last
    this.#restore(index)
    return true
  }

  /** Puts the slot back in order after its value's key changed. */
  update(slot: HeapSlot<T>): void {
    if (this.#slots[slot.index] !== slot) return
    this.#restore(slot.index)
  }

  /** Every value, in no particular order. */
  *values(): IterableIterator<T> {
    for (const slot of this.#slots) yield slot.value
  }

  #restore(index: number): void {
    if (!this.#siftUp(index)) this.#siftDown(index)
  }

  /** Moves the slot at `index` towards the root; true when it moved. */
  #siftUp(index: number): boolean {
    const slot = this.#slots[index] as MutableSlot<T>
    let at = index
    while (at > 0) {
      const parentAt = (at - 1) >> 1
      const parent = this.#slots[parentAt] as MutableSlot<T>
      if (!this.#before(slot, parent)) break
      this.#place(parent, at)
      at = parentAt
    }
    this.#place(slot, at)
    return at !== index
  }

  #siftDown(index: number): void {
    const slot = this.#slots[index] as MutableSlot<T>
    const count = this.#slots.length
    let at = index
    for (;;) {
      const leftAt = 2 * at + 1
      if (leftAt >= count) break
      const rightAt = leftAt + 1
      const left = this.#slots[leftAt] as MutableSlot<T>
      const right = this.#slots[rightAt]
      const childAt = right && this.#before(right, left) ? rightAt : leftAt
      const child = this.#slots[childAt] as MutableSlot<T>
      if (!this.#before(child, slot)) break
      this.#place(child, at)
      at = childAt
    }
    this.#place(slot, at)
  }

  #place(slot: MutableSlot<T>, at: number): void {
    slot.index = at
    this.#slots[at] = slot
  }

  #before(a: MutableSlot<T>, b: MutableSlot<T>): boolean {
    this.#counter.comparisons++
    return this.#precedes(a.value, b.value)
  }
}
