import type { Operation } from '../config/schema.js'
import type { UpstreamVerdict } from '../gemini/upstream-error.js'
import type { Usage } from '../gemini/usage.js'
import type { Client } from '../server/client-auth.js'
import type { Cancellation } from '../util/cancellation.js'
import type { WaitingPosition } from './budget-scheduler.js'
import type { RuntimeKey } from './key.js'
import type { Pool } from './pool.js'

/** What a call costs a budget: request units (items for a batch embed) and input tokens. */
export interface Cost {
  requests: number
  tokens: number
}

/** Everything the scheduler needs to place one call on a key. */
export interface CallPlan {
  readonly requestId: string
  readonly pool: Pool
  /** The model's name without `models/`; undefined for calls that name none. */
  readonly model: string | undefined
  readonly operation: Operation
  readonly cost: Cost
  readonly client: Client
  /** Queue priority: the client's tier's, or lower as the call asked. */
  readonly priority: number
  /** Clock time after which the call may no longer wait. */
  readonly deadline: number
  /** Set when the client goes away; the queue watches it while the call waits. */
  readonly cancellation: Cancellation
  /** Keys this call already tried; a retry goes elsewhere when it can. */
  readonly tried: ReadonlySet<string>
  /**
   * The project that holds the resources the call names (files, caches, …): only its keys can
   * serve it, retries included. Undefined: any project.
   */
  readonly project?: string | undefined
}

/** A key granted to one attempt, with the budget units it took. */
export interface Lease {
  readonly key: RuntimeKey
  /** The budget's model name (a glob's name, or `other`), for labels and state. */
  readonly budgetModel: string
  readonly waitedMs: number
}

export type Outcome =
  | { kind: 'answered'; usage: Usage | undefined }
  | { kind: 'refused'; verdict: UpstreamVerdict }
  | { kind: 'failed' }

export interface Scheduler {
  /** Waits until a key may take the call, or throws keypool's refusal (429/503/504). */
  acquire(plan: CallPlan): Promise<Lease>
  /** Tells the scheduler what the attempt taught: usage to correct, keys or budgets to rest. */
  settle(lease: Lease, outcome: Outcome): void
  /**
   * Refuses every waiting call (shutdown), and from then on every call that would have to
   * wait; returns how many were waiting.
   */
  drain(): number
  /** How long a call like this one would wait now for a budget (ms), when it can tell. */
  predictWait?(plan: CallPlan): number | undefined
  /** A waiting call's place in its queue, for `GET /keypool/requests/{id}`. */
  positionOf?(requestId: string): WaitingPosition | undefined
}
