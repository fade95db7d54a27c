import { countAhead } from './ahead.js'
import { ageingBonus, DEFAULT_AGING_STEP_MS, outranks, type LevelRank } from './ageing.js'
import type { ComparisonCounter } from './heap.js'
import { PriorityLevel } from './priority-level.js'
import {
  checkEnqueueOptions,
  WaitingCall,
  type EnqueueOptions,
  type QueueEntry,
} from './queue-entry.js'

export interface FairQueueOptions {
  /** A waiting call's level gains one priority per this many milliseconds of its oldest call. */
  readonly agingStepMs?: number
}

/**
 * The calls waiting for one (pool, model). Pure ordering: time is passed in, nothing is
 * dispatched, no budget is read.
 *
 * Order of service:
 * 1. Levels by rank: own priority plus one per `agingStepMs` that the level's oldest call has
 *    waited; ties go to the higher own priority (see `ageing.ts` for why levels age, not calls).
 * 2. Within a level, start-time fair queueing between clients, weighted by units
 *    (see `priority-level.ts`): a newcomer waits at most one turn of each other client.
 * 3. Within a client at one priority, FIFO.
 *
 * push, shift and remove cost O(log n) plus a scan of the levels, of which there are as many
 * as distinct priorities (a handful). Nothing is re-sorted as time passes: a level's age is
 * read off the top of its age heap when the next call is chosen.
 */
export class FairQueue<T> implements Iterable<QueueEntry<T>> {
  readonly #agingStepMs: number

  /**
   * Levels by own priority. Invariant: none is empty. An emptied level is dropped with its
   * fairness history: with nobody waiting at that priority there is nobody to be fair to.
   */
  readonly #levels = new Map<number, PriorityLevel<T>>()

  /** Shared by every heap of every level, so the count survives levels coming and going. */
  readonly #counter: ComparisonCounter = { comparisons: 0 }

  /** Invariants: the number of waiting calls, and the sum of their `bytes`. */
  #size = 0
  #bytes = 0

  /** Push order, the last tie-break everywhere. */
  #seq = 0

  constructor(options: FairQueueOptions = {}) {
    const agingStepMs = options.agingStepMs ?? DEFAULT_AGING_STEP_MS
    if (!(agingStepMs > 0)) throw new RangeError(`agingStepMs must be positive, got ${agingStepMs}`)
    this.#agingStepMs = agingStepMs
  }

  get size(): number {
    return this.#size
  }

  /** Request body bytes held by the waiting calls. */
  get bytes(): number {
    return this.#bytes
  }

  /** Heap comparisons made so far: a count of work for tests and benchmarks, not a clock. */
  get comparisons(): number {
    return this.#counter.comparisons
  }

  /** Clients the queue keeps state for: those waiting, and those whose last turn is unpaid. */
  get trackedClients(): number {
    let count = 0
    for (const level of this.#levels.values()) count += level.trackedClients
    return count
  }

  push(item: T, options: EnqueueOptions): QueueEntry<T> {
    checkEnqueueOptions(options)
    const call = new WaitingCall(item, options, this, this.#seq++)

    let level = this.#levels.get(call.priority)
    if (!level) {
      level = new PriorityLevel<T>(call.priority, this.#counter)
      this.#levels.set(call.priority, level)
    }
    level.push(call)

    this.#size++
    this.#bytes += call.bytes
    return call
  }

  /** The call that `shift(now)` would return, left in place. */
  peek(now: number): QueueEntry<T> | undefined {
    return this.#nextLevel(now)?.peek()
  }

  /** Takes the call whose turn it is at `now`. */
  shift(now: number): QueueEntry<T> | undefined {
    const level = this.#nextLevel(now)
    const call = level?.shift()
    if (!level || !call) return undefined

    this.#afterLeaving(call, level)
    return call
  }

  /** Takes a waiting call out (its client hung up); false when it was no longer waiting. */
  remove(entry: QueueEntry<T>): boolean {
    const call = this.#waitingCallOf(entry)
    const level = call && this.#levels.get(call.priority)
    if (!call || !level?.remove(call)) return false

    this.#afterLeaving(call, level)
    return true
  }

  /**
   * How many calls would be served before this one if the queue were drained at `now` with no
   * new arrivals; undefined when it is not waiting here. O(n): for the status route only.
   */
  ahead(entry: QueueEntry<T>, now: number): number | undefined {
    const call = this.#waitingCallOf(entry)
    const level = call && this.#levels.get(call.priority)
    if (!call || !level) return undefined
    return countAhead(call, level, this.#levels.values(), now, this.#agingStepMs)
  }

  /** Waiting calls by own priority (ageing aside), highest priority first. */
  byPriority(): Map<number, number> {
    const levels = [...this.#levels.values()].sort((a, b) => b.priority - a.priority)
    return new Map(levels.map((level) => [level.priority, level.size]))
  }

  /**
   * Every waiting call, in no particular order (for shutdown and status). Removing calls while
   * iterating breaks the walk: copy first (`[...queue]`).
   */
  *[Symbol.iterator](): IterableIterator<QueueEntry<T>> {
    for (const level of this.#levels.values()) yield* level.calls()
  }

  /** The level whose turn it is; levels are few, so they are scanned. */
  #nextLevel(now: number): PriorityLevel<T> | undefined {
    let best: { level: PriorityLevel<T>; rank: LevelRank } | undefined
    for (const level of this.#levels.values()) {
      const oldest = level.oldest
      if (!oldest) continue
      const bonus = ageingBonus(oldest.enqueuedAt, now, this.#agingStepMs)
      const rank = { priority: level.priority, effective: level.priority + bonus }
      if (!best || outranks(rank, best.rank)) best = { level, rank }
    }
    return best?.level
  }

  #waitingCallOf(entry: QueueEntry<T>): WaitingCall<T> | undefined {
    if (!(entry instanceof WaitingCall) || entry.owner !== this || !entry.isWaiting) return
    return entry as WaitingCall<T>
  }

  #afterLeaving(call: WaitingCall<T>, level: PriorityLevel<T>): void {
    this.#size--
    this.#bytes -= call.bytes
    if (level.isEmpty) this.#levels.delete(level.priority)
  }
}
