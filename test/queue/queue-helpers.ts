import type { FairQueue, QueueEntry } from '../../src/queue/index.js'

/** mulberry32: a small seeded PRNG, so randomised checks fail the same way every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, bound). */
export function randomInt(random: () => number, bound: number): number {
  return Math.floor(random() * bound)
}

export function pick<V>(random: () => number, values: readonly V[]): V {
  return values[randomInt(random, values.length)] as V
}

/** Shifts every call at one instant and returns the entries in the order served. */
export function drain<T>(queue: FairQueue<T>, now: number): QueueEntry<T>[] {
  const served: QueueEntry<T>[] = []
  for (let entry = queue.shift(now); entry; entry = queue.shift(now)) served.push(entry)
  return served
}
