import type { Config, Strategy } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import type { Reservation } from '../limits/budget.js'
import { LimitResolver, type RateLimits } from '../limits/resolve.js'
import { isPromise, type BudgetStore } from '../limits/store.js'
import type { KeypoolEvents, QueueRejection } from '../observe/events.js'
import { HeldBytesLimit, QueueLimits } from '../queue/limits.js'
import type { QueueEntry } from '../queue/queue-entry.js'
import type { Client } from '../server/client-auth.js'
import type { CancelWatcher } from '../util/cancellation.js'
import type { Clock, Timer } from '../util/clock.js'
import { formatDuration } from '../util/units.js'
import type { RuntimeKey } from './key.js'
import { Lane, Slot } from './lane.js'
import type { Pool } from './pool.js'
import { pinnedGroup } from './project-pin.js'
import { groupByProject, type ProjectGroup } from './project-group.js'
import { learnFromRefusal, type LessonDeps } from './refusal-lessons.js'
import type { CallPlan, Cost, Lease, Outcome, Scheduler } from './scheduler.js'

/** Ready slots compared per choice: every one in a pool this small, so the choice is exact. */
const COMPARED = 8
/**
 * Under most-headroom in a larger pool: the slot next in turn against one drawn at random, the
 * better wins ("power of two choices", Envoy's least-request default). With 1,000 projects each
 * budget read misses the CPU caches: comparing 8, such a pool cost 11-12 µs a call more than
 * one of 3; comparing 2, 6-9 µs (docs/performance.md). The random draw matters: two neighbours
 * in turn would pair a half-spent budget with another as often as with a fresh one.
 */
const COMPARED_LARGE = 2

export interface BudgetSchedulerOptions {
  config: Config
  clock: Clock
  store: BudgetStore
  events: KeypoolEvents
  pools: readonly Pool[]
  random?: () => number
  /** Told when a key is flagged, so that it can be probed back into rotation. */
  onKeyFlagged?: (key: RuntimeKey) => void
}

interface BudgetLease extends Lease {
  readonly slot: Slot | undefined
  readonly lane: Lane<Waiter> | undefined
  readonly reservation: Reservation | undefined
}

export interface WaitingPosition {
  requestId: string
  client: Client
  pool: string
  model: string
  /** 1 for the next call served. */
  position: number
  ahead: number
  waitedMs: number
  /** Undefined when no budget can say (every project parked without a known end). */
  estimatedWaitMs: number | undefined
}

/** Why a waiting call leaves its queue without being served. */
type Departure = 'cancelled' | 'timeout'

/**
 * A call in a lane's queue, until a budget admits it, its deadline passes or its client goes.
 * A class, not closures: 10,000 of them may wait at once.
 */
class Waiter implements CancelWatcher {
  entry: QueueEntry<Waiter> | undefined = undefined
  deadline: Timer | undefined = undefined

  constructor(
    readonly plan: CallPlan,
    readonly lane: Lane<Waiter>,
    readonly enqueuedAt: number,
    readonly bytes: number,
    readonly resolve: (lease: Lease) => void,
    readonly reject: (error: Error) => void,
    readonly depart: (waiter: Waiter, why: Departure) => void,
  ) {}

  onCancel(): void {
    this.depart(this, 'cancelled')
  }
}

/**
 * Never sends a call that a budget does not allow (design sections 3 and 6). A call for a model
 * goes to a project whose (project, model) budget admits it now, chosen by the pool's strategy;
 * otherwise it waits in its lane until the earliest budget frees, or is refused at once when
 * that is later than it may wait. Calls without a model budget (count, other) take any active
 * key in turn.
 */
export class BudgetScheduler implements Scheduler {
  readonly #clock: Clock
  readonly #store: BudgetStore
  readonly #events: KeypoolEvents
  readonly #random: () => number
  /** What upstream refusals need to rest keys and budgets. */
  readonly #lessons: LessonDeps
  readonly #groups = new Map<Pool, ProjectGroup[]>()
  readonly #resolvers = new Map<Pool, LimitResolver>()
  readonly #queueLimits = new Map<Pool, QueueLimits>()
  readonly #lanes = new Map<Pool, Map<string, Lane<Waiter>>>()
  readonly #freeCursor = new Map<Pool, number>()
  /** Waiting calls by request id, for `GET /keypool/requests/{id}`. */
  readonly #waitingById = new Map<string, Waiter>()
  /**
   * Set by `drain`. A call that comes back from a retry's backoff during shutdown must not
   * queue again: nothing would answer it before the grace period ends and its socket is cut.
   */
  #draining = false

  constructor(options: BudgetSchedulerOptions) {
    this.#clock = options.clock
    this.#store = options.store
    this.#events = options.events
    this.#random = options.random ?? Math.random
    this.#lessons = {
      store: options.store,
      events: options.events,
      onKeyFlagged: options.onKeyFlagged ?? (() => {}),
    }
    const heldBytes = new HeldBytesLimit(options.config.queue.maxBytes)
    for (const pool of options.pools) {
      this.#groups.set(pool, groupByProject(pool.keys))
      const { limits } = options.config
      this.#resolvers.set(
        pool,
        new LimitResolver({ limits, defaultLimits: pool.config.defaultLimits }),
      )
      this.#queueLimits.set(
        pool,
        new QueueLimits({ maxSize: options.config.queue.maxSize, heldBytes }),
      )
      this.#lanes.set(pool, new Map())
    }
  }

  acquire(plan: CallPlan): Promise<Lease> {
    try {
      if (plan.model === undefined || plan.operation === 'count' || plan.operation === 'other') {
        return Promise.resolve(this.#freeLease(plan))
      }
      return this.#acquireBudgeted(plan, this.#lane(plan.pool, plan.model, plan.project))
    } catch (error) {
      const reason = error instanceof KeypoolError ? REJECTIONS[error.code] : undefined
      if (reason) this.#events.queueRejected({ pool: plan.pool.name, reason })
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  #acquireBudgeted(plan: CallPlan, lane: Lane<Waiter>): Promise<Lease> {
    const now = this.#clock.now()
    this.#refuseTooLarge(lane, plan.cost)
    if (lane.waiting.size === 0) {
      const lease = this.#grant(lane, plan, now, now)
      if (lease) return Promise.resolve(lease)
    }
    if (this.#draining) throw shuttingDown()
    this.#refuseWithoutKeys(lane)
    this.#refuseLongWait(lane, plan, now)
    return this.#enqueue(lane, plan, now)
  }

  settle(lease: Lease, outcome: Outcome): void {
    const { slot, lane, reservation } = lease as BudgetLease
    const now = this.#clock.now()
    if (outcome.kind === 'answered' && reservation && outcome.usage?.prompt !== undefined) {
      void this.#store.correct(reservation, outcome.usage.prompt)
    }
    if (outcome.kind === 'refused') {
      learnFromRefusal(this.#lessons, lease.key, slot, lane, outcome.verdict, now)
    } else if (slot && outcome.kind === 'answered') {
      void this.#store.recordSuccess(slot.group.project, slot.limits, now)
    }
    if (lane) this.#pump(lane)
  }

  drain(): number {
    this.#draining = true
    let drained = 0
    for (const lanes of this.#lanes.values()) {
      for (const lane of lanes.values()) {
        for (let entry = lane.waiting.shift(0); entry; entry = lane.waiting.shift(0)) {
          this.#release(entry.item)
          entry.item.reject(shuttingDown())
          this.#events.queueRejected({ pool: lane.pool.name, reason: 'shutdown' })
          drained++
        }
      }
    }
    return drained
  }

  /** A key whose state changed back to active (a probe passed): its slots may serve again. */
  keyRestored(key: RuntimeKey): void {
    for (const [pool, lanes] of this.#lanes) {
      if (!pool.keys.includes(key)) continue
      for (const lane of lanes.values()) {
        for (const slot of lane.slots) if (slot.group.project === key.project) lane.revive(slot)
        this.#pump(lane)
      }
    }
  }

  /**
   * Where a waiting call stands: the calls that will be served before it and when it can
   * expect to go, from the budgets' refill times. Undefined once it is no longer waiting.
   */
  predictWait(plan: CallPlan): number | undefined {
    if (plan.model === undefined) return undefined
    const lane = this.#lane(plan.pool, plan.model, plan.project)
    const now = this.#clock.now()
    const start = lane.forecast.predict(this.#store, lane.unitsAhead(plan.priority), plan.cost, now)
    return Number.isFinite(start) ? Math.max(0, start - now) : undefined
  }

  positionOf(requestId: string): WaitingPosition | undefined {
    const waiter = this.#waitingById.get(requestId)
    if (!waiter?.entry) return undefined
    const now = this.#clock.now()
    const { lane, plan } = waiter
    const ahead = lane.waiting.ahead(waiter.entry, now) ?? 0
    // Calls ahead count one unit each here; a batch embed ahead is rarer than the error.
    const start = lane.forecast.predict(this.#store, ahead, plan.cost, now)
    return {
      requestId,
      client: plan.client,
      pool: lane.pool.name,
      model: lane.model,
      position: ahead + 1,
      ahead,
      waitedMs: now - waiter.enqueuedAt,
      estimatedWaitMs: Number.isFinite(start) ? Math.max(0, start - now) : undefined,
    }
  }

  /** How many calls wait in each pool, by priority, for the status page and metrics. */
  queueDepths(): Array<{ pool: string; depth: number; byPriority: Record<string, number> }> {
    const out = []
    for (const [pool, lanes] of this.#lanes) {
      const byPriority: Record<string, number> = {}
      let depth = 0
      for (const lane of lanes.values()) {
        for (const [priority, count] of lane.waiting.byPriority()) {
          byPriority[priority] = (byPriority[priority] ?? 0) + count
          depth += count
        }
      }
      out.push({ pool: pool.name, depth, byPriority })
    }
    return out
  }

  #lane(pool: Pool, model: string, project?: string): Lane<Waiter> {
    const resolver = this.#resolvers.get(pool)!
    const groups = this.#groups.get(pool)!
    const laneModel = resolver.resolve(model, groups[0]!.keys[0]!.usageTier).budgetModel
    const lanes = this.#lanes.get(pool)!
    // A call pinned to a project waits in a lane of that project's slot alone, so that it
    // never holds up the calls behind it that any project may serve.
    const laneKey = project === undefined ? laneModel : `${laneModel}\u0000${project}`
    let lane = lanes.get(laneKey)
    if (!lane) {
      const served = project === undefined ? groups : [pinnedGroup(groups, project, pool)]
      const slots = served.map((g) => new Slot(g, resolver.resolve(model, g.keys[0]!.usageTier)))
      lane = new Lane(pool, laneModel, slots)
      lanes.set(laneKey, lane)
    }
    return lane
  }

  /** A call that no budget could ever admit is refused at once (`keypool.RequestTooLarge`). */
  #refuseTooLarge(lane: Lane<Waiter>, cost: Cost): void {
    let worst: { limit: keyof RateLimits; max: number; cost: number } | undefined
    // The first slot that fits ends the check: a pool of 1,000 projects costs what 3 do.
    for (const slot of lane.slots) {
      const over = exceededLimit(slot.limits, cost)
      if (!over) return
      worst ??= over
    }
    if (!worst) return
    throw new KeypoolError('KP_ERR_REQUEST_TOO_LARGE', {
      cost: worst.cost,
      limit: worst.limit,
      model: lane.model,
      max: worst.max,
    })
  }

  /** Every project of the pool lost its keys (disabled, flagged): nothing can be sent. */
  #refuseWithoutKeys(lane: Lane<Waiter>): void {
    if (lane.slots.some((slot) => slot.group.hasActiveKey)) return
    const detail = 'every key is disabled or flagged'
    throw new KeypoolError('KP_ERR_NO_KEY', { pool: lane.pool.name, detail })
  }

  /** Refuses at once a call whose predicted wait is longer than it may wait, or a full queue. */
  #refuseLongWait(lane: Lane<Waiter>, plan: CallPlan, now: number): void {
    const ahead = lane.unitsAhead(plan.priority)
    const start = lane.forecast.predict(this.#store, ahead, plan.cost, now)
    const waitMs = start - now
    const retry = Number.isFinite(waitMs) ? waitMs / 1000 : undefined
    if (start > plan.deadline) {
      throw new KeypoolError(
        'KP_ERR_WAIT_TOO_LONG',
        {
          model: lane.model,
          allowed: formatDuration(Math.max(0, plan.deadline - now)),
          retry: retry === undefined ? 'an unknown time' : formatDuration(waitMs),
        },
        retry ?? 60,
      )
    }
  }

  #enqueue(lane: Lane<Waiter>, plan: CallPlan, now: number): Promise<Lease> {
    const bytes = (plan as { body?: Buffer }).body?.length ?? 0
    const limits = this.#queueLimits.get(lane.pool)!
    const admission = limits.tryAdmit(bytes)
    if (!admission.admitted) {
      const depth = limits.size
      throw new KeypoolError('KP_ERR_QUEUE_FULL', { pool: lane.pool.name, depth, retry: '1s' }, 1)
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter = new Waiter(plan, lane, now, bytes, resolve, reject, this.#depart)
      lane.countWaiting(plan.priority, plan.cost.requests)
      waiter.entry = lane.waiting.push(waiter, {
        priority: plan.priority,
        client: plan.client.id,
        units: plan.cost.requests,
        enqueuedAt: now,
        bytes,
      })
      const deadlineMs = plan.deadline - now
      waiter.deadline = this.#clock.setTimer(deadlineMs, () => this.#depart(waiter, 'timeout'))
      this.#waitingById.set(plan.requestId, waiter)
      // Last: a client already gone takes its call out of the queue at once.
      plan.cancellation.watch(waiter)
      this.#arm(lane)
    })
  }

  /** A waiting call leaves unserved: its client went away or its deadline passed. */
  readonly #depart = (waiter: Waiter, why: Departure): void => {
    if (!waiter.entry || !waiter.lane.waiting.remove(waiter.entry)) return
    this.#release(waiter)
    if (why === 'cancelled') {
      // No one reads this refusal: the proxy sees the call cancelled and logs 499 instead.
      waiter.reject(new KeypoolError('KP_ERR_INTERNAL', { detail: 'client went away' }))
      return
    }
    const waited = formatDuration(this.#clock.now() - waiter.enqueuedAt)
    waiter.reject(new KeypoolError('KP_ERR_QUEUE_TIMEOUT', { waited }))
    this.#events.queueRejected({ pool: waiter.lane.pool.name, reason: 'timeout' })
  }

  /** Gives back what waiting held: the id's entry, the lane's count, the timer, the bytes. */
  #release(waiter: Waiter): void {
    const { plan, lane } = waiter
    if (this.#waitingById.get(plan.requestId) === waiter) this.#waitingById.delete(plan.requestId)
    lane.uncountWaiting(plan.priority, plan.cost.requests)
    waiter.deadline?.cancel()
    plan.cancellation.unwatch(waiter)
    this.#queueLimits.get(lane.pool)!.release(waiter.bytes)
  }

  /** Serves waiting calls in order while budgets admit them, then arms the lane's timer. */
  #pump(lane: Lane<Waiter>): void {
    const now = this.#clock.now()
    for (let entry = lane.head(now); entry; entry = lane.head(now)) {
      const waiter = entry.item
      const lease = this.#grant(lane, waiter.plan, now, waiter.enqueuedAt)
      if (!lease) break
      // Served, not cancelled: shift moves the queue's fair-share clock, remove would not.
      lane.waiting.shift(now)
      this.#release(waiter)
      waiter.resolve(lease)
    }
    this.#arm(lane)
  }

  #arm(lane: Lane<Waiter>): void {
    const at = lane.waiting.size > 0 ? lane.nextWakeAt : Infinity
    if (at === lane.timerAt) return
    lane.timer?.cancel()
    lane.timer = undefined
    lane.timerAt = at
    if (!Number.isFinite(at)) return
    lane.timer = this.#clock.setTimer(at - this.#clock.now(), () => {
      lane.timer = undefined
      lane.timerAt = Infinity
      this.#pump(lane)
    })
  }

  /**
   * Takes the units of the best ready slot that admits the call. Slots that cannot admit it
   * now go to sleep until they can; the rest are compared by the pool's strategy.
   */
  #grant(lane: Lane<Waiter>, plan: CallPlan, now: number, since: number): BudgetLease | undefined {
    lane.wakeDue(now)
    const strategy = lane.pool.config.strategy
    for (;;) {
      const slot = this.#choose(lane, plan, now, strategy)
      if (!slot) return undefined
      const result = this.#store.tryAcquire(slot.group.project, slot.limits, plan.cost, now)
      if (isPromise(result)) throw new Error('the budget scheduler needs a synchronous store')
      if (!result.ok) {
        lane.sleep(slot, result.retryAt)
        continue
      }
      const key = slot.group.pickKey(plan.tried, strategy, this.#random)!
      const waitedMs = now - since
      this.#events.queueWaited({ pool: lane.pool.name, priority: plan.priority, waitedMs })
      return {
        key,
        budgetModel: slot.limits.budgetModel,
        waitedMs,
        slot,
        lane,
        reservation: result.reservation,
      }
    }
  }

  #choose(lane: Lane<Waiter>, plan: CallPlan, now: number, strategy: Strategy): Slot | undefined {
    let best: Slot | undefined
    let bestScore = -Infinity
    let compared = 0
    const sampled = strategy === 'most-headroom' && lane.readyCount > COMPARED
    const limit = sampled ? COMPARED_LARGE : COMPARED
    // At most as many visits as slots are ready (the lane steps back over one that leaves).
    for (let visits = lane.readyCount; visits > 0 && compared < limit; visits--) {
      const slot = sampled && compared > 0 ? lane.randomReady(this.#random) : lane.nextReady()
      if (!slot) break
      if (!slot.group.hasActiveKey) {
        lane.makeDormant(slot)
        continue
      }
      const { project } = slot.group
      const room = this.#store.headroomIfFits(project, slot.limits, plan.cost, now)
      if (room < 0) {
        lane.sleep(slot, this.#store.nextFitAt(project, slot.limits, plan.cost, now))
        continue
      }
      compared++
      const score = this.#score(slot, plan, room, strategy)
      if (score > bestScore) {
        best = slot
        bestScore = score
      }
      if (strategy === 'round-robin' && score >= 0) break
    }
    return best
  }

  /** Higher is better; a project whose keys this call already tried ranks below all others. */
  #score(slot: Slot, plan: CallPlan, headroom: number, strategy: Strategy): number {
    const penalty = slot.group.isSpentFor(plan.tried) ? -2 : 0
    if (strategy === 'most-headroom') return penalty + headroom
    if (strategy === 'weighted') {
      // Weighted random choice by sampling keys u^(1/w): the largest wins.
      return penalty + this.#random() ** (1 / Math.max(1e-9, slot.group.activeWeight))
    }
    return penalty
  }

  /** Calls that take no model budget: any active key of the pool, in turn. */
  #freeLease(plan: CallPlan): BudgetLease {
    if (plan.project !== undefined) return this.#pinnedFreeLease(plan, plan.project)
    const keys = plan.pool.keys
    const start = this.#freeCursor.get(plan.pool) ?? 0
    let fallback: RuntimeKey | undefined
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(start + i) % keys.length]!
      if (!key.isActive) continue
      if (!plan.tried.has(key.id)) {
        this.#freeCursor.set(plan.pool, (start + i + 1) % keys.length)
        return freeLease(key, plan)
      }
      fallback ??= key
    }
    if (fallback) return freeLease(fallback, plan)
    const detail = 'every key is disabled or flagged'
    throw new KeypoolError('KP_ERR_NO_KEY', { pool: plan.pool.name, detail })
  }

  /** A free call pinned to a project: that project's active keys in turn, untried first. */
  #pinnedFreeLease(plan: CallPlan, project: string): BudgetLease {
    const group = pinnedGroup(this.#groups.get(plan.pool)!, project, plan.pool)
    const key = group.pickKey(plan.tried, 'round-robin', this.#random)
    if (key) return freeLease(key, plan)
    const detail = `every key of project "${project}", which holds this call's resources, is out`
    throw new KeypoolError('KP_ERR_NO_KEY', { pool: plan.pool.name, detail })
  }
}

/** keypool's refusals that the queue makes at once, as the metric's `reason` label. */
const REJECTIONS: Partial<Record<string, QueueRejection>> = {
  KP_ERR_QUEUE_FULL: 'queue-full',
  KP_ERR_WAIT_TOO_LONG: 'wait-too-long',
  KP_ERR_REQUEST_TOO_LARGE: 'too-large',
  KP_ERR_NO_KEY: 'no-key',
  KP_ERR_SHUTTING_DOWN: 'shutdown',
}

function shuttingDown(): KeypoolError {
  return new KeypoolError('KP_ERR_SHUTTING_DOWN', { retry: '1s' }, 1)
}

function freeLease(key: RuntimeKey, plan: CallPlan): BudgetLease {
  const budgetModel = plan.model ?? 'other'
  return { key, budgetModel, waitedMs: 0, slot: undefined, lane: undefined, reservation: undefined }
}

function exceededLimit(
  limits: RateLimits,
  cost: Cost,
): { limit: keyof RateLimits; max: number; cost: number } | undefined {
  if (cost.requests > limits.rpm) return { limit: 'rpm', max: limits.rpm, cost: cost.requests }
  if (cost.tokens > limits.tpm) return { limit: 'tpm', max: limits.tpm, cost: cost.tokens }
  if (cost.requests > limits.rpd) return { limit: 'rpd', max: limits.rpd, cost: cost.requests }
  return undefined
}
