import type { ClientLane } from './client-lane.js'
import type { HeapSlot } from './heap.js'

/** What the queue needs to know about a waiting call to order it. */
export interface EnqueueOptions {
  /** The call's priority (its tier's, or a lower one from `x-keypool-priority`); higher first. */
  readonly priority: number
  /** Whose turn this is: fairness is shared out between clients. */
  readonly client: string
  /** What the call spends: 1 for most calls, n for an n-item embed. Positive. */
  readonly units: number
  /** When the call began to wait, in the clock's milliseconds. */
  readonly enqueuedAt: number
  /** Request body bytes held while the call waits; 0 when absent. */
  readonly bytes?: number
}

/** The handle `FairQueue.push` returns: the caller keeps it to remove the call or ask its place. */
export interface QueueEntry<T> extends Required<EnqueueOptions> {
  readonly item: T
  /** True until the call is shifted out or removed. */
  readonly isWaiting: boolean
}

/**
 * The queue's own record of a waiting call. Outside `src/queue/` it is seen only as a
 * `QueueEntry`; the mutable fields below are bookkeeping shared by the lane, the level and the
 * queue, which is why they cannot be `#private`.
 */
export class WaitingCall<T> implements QueueEntry<T> {
  readonly item: T
  readonly priority: number
  readonly client: string
  readonly units: number
  readonly enqueuedAt: number
  readonly bytes: number
  /** The queue that holds the call, so that a handle from another queue is refused. */
  readonly owner: object
  /** Push order within the owner: the last tie-break, which keeps equal keys FIFO. */
  readonly seq: number

  /** The client lane the call waits in; undefined once it has left. */
  lane: ClientLane<T> | undefined
  /** Neighbours in the lane, oldest towards `prev`. */
  prev: WaitingCall<T> | undefined
  next: WaitingCall<T> | undefined
  /** Virtual start tag; meaningful only while the call heads its lane (tags are given lazily). */
  startTag = 0
  /** The call's place in its level's age heap. */
  ageSlot: HeapSlot<WaitingCall<T>> | undefined

  constructor(item: T, options: EnqueueOptions, owner: object, seq: number) {
    this.item = item
    this.priority = options.priority
    this.client = options.client
    this.units = options.units
    this.enqueuedAt = options.enqueuedAt
    this.bytes = options.bytes ?? 0
    this.owner = owner
    this.seq = seq
  }

  get isWaiting(): boolean {
    return this.lane !== undefined
  }
}

/** Refuses options the ordering rules cannot work with; a caller's bug, so it throws. */
export function checkEnqueueOptions(options: EnqueueOptions): void {
  const { priority, units, enqueuedAt, bytes } = options
  if (!Number.isFinite(priority)) throw new RangeError(`priority must be finite, got ${priority}`)
  if (!Number.isFinite(units) || units <= 0) {
    // Zero-unit calls would share one tag forever and let a client take every turn.
    throw new RangeError(`units must be a positive number, got ${units}`)
  }
  if (!Number.isFinite(enqueuedAt)) {
    throw new RangeError(`enqueuedAt must be a time in milliseconds, got ${enqueuedAt}`)
  }
  if (bytes !== undefined && !(Number.isFinite(bytes) && bytes >= 0)) {
    throw new RangeError(`bytes must be zero or more, got ${bytes}`)
  }
}
