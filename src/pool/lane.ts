import type { ResolvedLimits } from '../limits/resolve.js'
import { BinaryHeap, type HeapSlot } from '../queue/heap.js'
import { FairQueue } from '../queue/fair-queue.js'
import type { QueueEntry } from '../queue/queue-entry.js'
import type { Timer } from '../util/clock.js'
import type { Pool } from './pool.js'
import { StartForecast } from './predict.js'
import type { ProjectGroup } from './project-group.js'

/**
 * One project's budget for one lane's model: where the scheduler looks for room.
 * Invariant: a slot is in exactly one place. `ready` slots are believed to admit a call now;
 * `asleep` ones cannot before `wakeAt` (a full window, a cooldown, a spent day); `dormant` ones
 * have no active key and return when a key of their project does.
 */
export class Slot {
  readonly group: ProjectGroup
  readonly limits: ResolvedLimits
  place: 'ready' | 'asleep' | 'dormant' = 'ready'
  wakeAt = 0
  readyIndex = -1
  heapSlot: HeapSlot<Slot> | undefined

  constructor(group: ProjectGroup, limits: ResolvedLimits) {
    this.group = group
    this.limits = limits
  }
}

/**
 * The calls of one pool for one budget model, and the project slots that can serve them.
 * Waiting calls are dispatched per lane, so a model whose budgets are spent never blocks calls
 * for another. Choosing touches ready slots only: a full or cooling slot sleeps in a heap by
 * its wake time, so a pool of 1,000 projects costs what a pool of 3 does.
 */
export class Lane<W> {
  readonly pool: Pool
  readonly model: string
  readonly slots: readonly Slot[]
  readonly waiting = new FairQueue<W>()
  /** Invariant: request units of the calls in `waiting`, by priority, for wait predictions. */
  readonly #unitsByPriority = new Map<number, number>()
  readonly #ready: Slot[] = []
  readonly #asleep = new BinaryHeap<Slot>((a, b) => a.wakeAt < b.wakeAt)
  #cursor = 0
  /** The timer armed for the earliest wake or deadline, and when it fires. */
  timer: Timer | undefined
  timerAt = Infinity
  /** Moves whenever a slot goes dormant or comes back, so that forecasts know to start over. */
  dormancyChanges = 0
  /** When waiting calls can expect to go (`predict.ts`). */
  readonly forecast: StartForecast

  constructor(pool: Pool, model: string, slots: readonly Slot[]) {
    this.pool = pool
    this.model = model
    this.slots = slots
    for (const slot of slots) this.#addReady(slot)
    this.forecast = new StartForecast(this)
  }

  get readyCount(): number {
    return this.#ready.length
  }

  /** The next ready slot in turn (round-robin over the ready list). */
  nextReady(): Slot | undefined {
    if (this.#ready.length === 0) return undefined
    if (this.#cursor >= this.#ready.length) this.#cursor = 0
    return this.#ready[this.#cursor++]
  }

  /** A ready slot drawn at random, `random` giving [0, 1). */
  randomReady(random: () => number): Slot | undefined {
    return this.#ready[Math.floor(random() * this.#ready.length)]
  }

  sleep(slot: Slot, until: number): void {
    if (slot.place === 'asleep') {
      if (until > slot.wakeAt) {
        slot.wakeAt = until
        this.#asleep.update(slot.heapSlot!)
      }
      return
    }
    if (slot.place === 'dormant') this.dormancyChanges++
    this.#leave(slot)
    slot.place = 'asleep'
    slot.wakeAt = until
    slot.heapSlot = this.#asleep.push(slot)
  }

  makeDormant(slot: Slot): void {
    if (slot.place === 'dormant') return
    this.#leave(slot)
    slot.place = 'dormant'
    this.dormancyChanges++
  }

  /** A dormant slot whose project has an active key again. */
  revive(slot: Slot): void {
    if (slot.place !== 'dormant') return
    this.#addReady(slot)
    this.dormancyChanges++
  }

  /** Moves every slot whose wake time has come back to the ready list. */
  wakeDue(now: number): void {
    for (let top = this.#asleep.peek(); top && top.wakeAt <= now; top = this.#asleep.peek()) {
      this.#asleep.pop()
      top.heapSlot = undefined
      this.#addReady(top)
    }
  }

  /** When the earliest sleeping slot wakes; Infinity when none sleeps. */
  get nextWakeAt(): number {
    return this.#asleep.peek()?.wakeAt ?? Infinity
  }

  countWaiting(priority: number, units: number): void {
    this.#unitsByPriority.set(priority, (this.#unitsByPriority.get(priority) ?? 0) + units)
  }

  uncountWaiting(priority: number, units: number): void {
    const left = (this.#unitsByPriority.get(priority) ?? 0) - units
    if (left > 0) this.#unitsByPriority.set(priority, left)
    else this.#unitsByPriority.delete(priority)
  }

  /**
   * Units that would be served before a new call of `priority`: every waiting call of that
   * priority or above. Ageing and fair turns can only move the new call forward, so this errs
   * late, never early.
   */
  unitsAhead(priority: number): number {
    let units = 0
    for (const [level, count] of this.#unitsByPriority) if (level >= priority) units += count
    return units
  }

  /** The waiting call that would be served first. */
  head(now: number): QueueEntry<W> | undefined {
    return this.waiting.peek(now)
  }

  #addReady(slot: Slot): void {
    slot.place = 'ready'
    slot.readyIndex = this.#ready.length
    this.#ready.push(slot)
  }

  #leave(slot: Slot): void {
    if (slot.place === 'ready') {
      // The slot just handed out leaves: the one swapped into its place is next in turn.
      if (slot.readyIndex === this.#cursor - 1) this.#cursor--
      const last = this.#ready.pop()!
      if (last !== slot) {
        this.#ready[slot.readyIndex] = last
        last.readyIndex = slot.readyIndex
      }
      slot.readyIndex = -1
    } else if (slot.place === 'asleep' && slot.heapSlot) {
      this.#asleep.remove(slot.heapSlot)
      slot.heapSlot = undefined
    }
  }
}
