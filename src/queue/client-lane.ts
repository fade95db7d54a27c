import type { HeapSlot } from './heap.js'
import type { WaitingCall } from './queue-entry.js'

/** A call and the start tag it will have when its turn comes, if nothing else arrives. */
export interface ProjectedTurn<T> {
  readonly call: WaitingCall<T>
  readonly tag: number
}

/**
 * One client's calls at one priority, FIFO, in a doubly linked list so that a cancelled call
 * leaves from the middle in O(1). The lane also carries the client's fairness tags
 * (start-time fair queueing): only the head holds a start tag, given when it becomes head, so
 * removing a call never leaves stale tags on the calls behind it.
 */
export class ClientLane<T> {
  readonly client: string
  #head: WaitingCall<T> | undefined
  #tail: WaitingCall<T> | undefined
  #count = 0

  /**
   * Finish tag of the client's latest tagged call. Invariant: while the lane has a head,
   * `lastFinish === head.startTag + head.units`; once empty, it is the finish tag of the call
   * served last, which the client's next call must start from so that a client sending one
   * call at a time still pays for the units it spends.
   */
  lastFinish = 0

  /** The lane's slot in its level's turn heap (non-empty) or owed heap (empty but owed). */
  slot: HeapSlot<ClientLane<T>> | undefined

  constructor(client: string) {
    this.client = client
  }

  get head(): WaitingCall<T> | undefined {
    return this.#head
  }

  get isEmpty(): boolean {
    return this.#count === 0
  }

  /** Adds the call at the back; true when it became the head and so needs a start tag. */
  append(call: WaitingCall<T>): boolean {
    call.lane = this
    call.prev = this.#tail
    call.next = undefined
    if (this.#tail) this.#tail.next = call
    else this.#head = call
    this.#tail = call
    this.#count++
    return this.#head === call
  }

  /**
   * Gives the head its start tag: not before the level's virtual time (a client that was idle
   * gains no credit) nor before the client's previous finish (a busy client pays its units).
   */
  tagHead(virtualTime: number): void {
    const head = this.#head
    if (!head) return
    head.startTag = Math.max(virtualTime, this.lastFinish)
    this.lastFinish = head.startTag + head.units
  }

  /** Takes the call out; a head that leaves unserved gives back the units it had claimed. */
  unlink(call: WaitingCall<T>, served: boolean): void {
    if (call === this.#head && !served) this.lastFinish = call.startTag

    if (call.prev) call.prev.next = call.next
    else this.#head = call.next
    if (call.next) call.next.prev = call.prev
    else this.#tail = call.prev

    call.prev = undefined
    call.next = undefined
    call.lane = undefined
    this.#count--
  }

  *calls(): IterableIterator<WaitingCall<T>> {
    for (let call = this.#head; call; call = call.next) yield call
  }

  /**
   * The start tag each call would get if the lane were drained with no new arrivals: the head
   * keeps its tag and each later call starts where the one before it finishes. This is the
   * same arithmetic `tagHead` performs, so projected and actual tags are equal to the bit.
   */
  *projectedTurns(): IterableIterator<ProjectedTurn<T>> {
    let tag = this.#head?.startTag ?? 0
    for (const call of this.calls()) {
      yield { call, tag }
      tag = tag + call.units
    }
  }
}
