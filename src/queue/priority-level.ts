import { ClientLane, type ProjectedTurn } from './client-lane.js'
import { BinaryHeap, type ComparisonCounter } from './heap.js'
import type { WaitingCall } from './queue-entry.js'

/** The order of turns: smaller start tag first, then push order. */
function turnComesFirst(tagA: number, seqA: number, tagB: number, seqB: number): boolean {
  return tagA !== tagB ? tagA < tagB : seqA < seqB
}

export function turnPrecedes<T>(a: ProjectedTurn<T>, b: ProjectedTurn<T>): boolean {
  return turnComesFirst(a.tag, a.call.seq, b.tag, b.call.seq)
}

/** Lanes in the turn heap always have a head; the guard only keeps the types honest. */
function laneTurnPrecedes<T>(a: ClientLane<T>, b: ClientLane<T>): boolean {
  const x = a.head
  const y = b.head
  if (!x || !y) return x !== undefined
  return turnComesFirst(x.startTag, x.seq, y.startTag, y.seq)
}

function olderCall<T>(a: WaitingCall<T>, b: WaitingCall<T>): boolean {
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt
  return a.seq < b.seq
}

/**
 * The calls of one priority, served by start-time fair queueing between clients: each lane's
 * head carries a virtual start tag, the smallest tag goes next, and a call's finish tag is its
 * start plus its units, so a client's turns are weighted by what it spends. A newly arrived
 * call starts at the level's virtual time, never behind a busy client's backlog: it waits for
 * at most one turn of each other client.
 */
export class PriorityLevel<T> {
  readonly priority: number

  /** Start tag of the call served last; never decreases, and no head is tagged below it. */
  #virtualTime = 0

  /** Lanes by client: every lane with calls, plus the empty lanes held in `#owed`. */
  readonly #lanes = new Map<string, ClientLane<T>>()

  /** Lanes with calls, by their head's (start tag, seq): the top takes the next turn. */
  readonly #turns: BinaryHeap<ClientLane<T>>

  /**
   * Empty lanes whose `lastFinish` is still ahead of the virtual time, by `lastFinish`. They
   * keep a client that sends one call at a time paying for its units; once the virtual time
   * passes them they carry no information and are dropped, so idle clients cost nothing.
   */
  readonly #owed: BinaryHeap<ClientLane<T>>

  /** Every waiting call by (enqueuedAt, seq): the top is the call whose age ranks the level. */
  readonly #ages: BinaryHeap<WaitingCall<T>>

  constructor(priority: number, counter: ComparisonCounter) {
    this.priority = priority
    this.#turns = new BinaryHeap(laneTurnPrecedes, counter)
    this.#owed = new BinaryHeap((a, b) => a.lastFinish < b.lastFinish, counter)
    this.#ages = new BinaryHeap(olderCall, counter)
  }

  get size(): number {
    return this.#ages.size
  }

  get isEmpty(): boolean {
    return this.#ages.size === 0
  }

  /** Clients this level keeps state for: those waiting and those still owed. */
  get trackedClients(): number {
    return this.#lanes.size
  }

  /** The call that has waited longest; it sets the level's ageing bonus. */
  get oldest(): WaitingCall<T> | undefined {
    return this.#ages.peek()
  }

  /** The call whose turn is next within this level. */
  peek(): WaitingCall<T> | undefined {
    return this.#turns.peek()?.head
  }

  push(call: WaitingCall<T>): void {
    const lane = this.#laneOf(call.client)
    if (lane.append(call)) {
      if (lane.slot) this.#owed.remove(lane.slot)
      lane.tagHead(this.#virtualTime)
      lane.slot = this.#turns.push(lane)
    }
    call.ageSlot = this.#ages.push(call)
  }

  shift(): WaitingCall<T> | undefined {
    const call = this.peek()
    if (!call) return undefined

    this.#virtualTime = Math.max(this.#virtualTime, call.startTag)
    this.#detach(call, true)
    this.#forgetPaidUp()
    return call
  }

  /** Takes a waiting call out unserved; false when it was not waiting here. */
  remove(call: WaitingCall<T>): boolean {
    if (!call.lane || this.#lanes.get(call.client) !== call.lane) return false
    this.#detach(call, false)
    return true
  }

  *calls(): IterableIterator<WaitingCall<T>> {
    for (const lane of this.#turns.values()) yield* lane.calls()
  }

  /** Every call with the tag it would be served at if the level drained with no arrivals. */
  projectedTurns(): ProjectedTurn<T>[] {
    const turns: ProjectedTurn<T>[] = []
    for (const lane of this.#turns.values()) turns.push(...lane.projectedTurns())
    return turns
  }

  #laneOf(client: string): ClientLane<T> {
    let lane = this.#lanes.get(client)
    if (!lane) {
      lane = new ClientLane<T>(client)
      this.#lanes.set(client, lane)
    }
    return lane
  }

  #detach(call: WaitingCall<T>, served: boolean): void {
    const lane = call.lane
    if (!lane) return
    const wasHead = lane.head === call

    lane.unlink(call, served)
    if (call.ageSlot) this.#ages.remove(call.ageSlot)
    call.ageSlot = undefined
    if (!wasHead || !lane.slot) return

    if (!lane.isEmpty) {
      lane.tagHead(this.#virtualTime)
      this.#turns.update(lane.slot)
      return
    }
    this.#turns.remove(lane.slot)
    this.#park(lane)
  }

  /** An emptied lane is kept only while it still owes units; otherwise it is forgotten. */
  #park(lane: ClientLane<T>): void {
    if (lane.lastFinish > this.#virtualTime) {
      lane.slot = this.#owed.push(lane)
      return
    }
    lane.slot = undefined
    this.#lanes.delete(lane.client)
  }

  #forgetPaidUp(): void {
    for (let lane = this.#owed.peek(); lane; lane = this.#owed.peek()) {
      if (lane.lastFinish > this.#virtualTime) return
      this.#owed.pop()
      lane.slot = undefined
      this.#lanes.delete(lane.client)
    }
  }
}
