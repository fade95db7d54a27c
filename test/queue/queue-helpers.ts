import type { FairQueue, QueueEntry } from '../../src/queue/index.js'

/** Seeded, so randomised checks fail the same way every run. */
export { seededRandom } from '../../src/util/random.js'

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
