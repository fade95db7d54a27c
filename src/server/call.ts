import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Operation } from '../config/schema.js'
import type { Route } from '../gemini/route.js'
import type { ResourcePin } from '../pool/affinity-store.js'
import type { CallPlan, Cost } from '../pool/scheduler.js'
import type { Pool } from '../pool/pool.js'
import { Cancellation } from '../util/cancellation.js'
import type { Client } from './client-auth.js'
import type { QuotaTicket } from './client-quota.js'

/** A call has tried no key until its first attempt: no set of its own while it waits. */
const NONE_TRIED: ReadonlySet<string> = new Set()

/**
 * One client call on its way through keypool: what it is, who sent it, where it may go, and
 * what happened so far. One object per request, so the steps share state without closures.
 */
export class Call implements CallPlan {
  readonly requestId: string
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly route: Route
  readonly arrivedAt: number
  /** Set when the client goes away: the queue drops the call, its upstream request stops. */
  readonly cancellation = new Cancellation()
  /** Keys this call was sent to; a shared empty set until the first. */
  tried: ReadonlySet<string> = NONE_TRIED
  client!: Client
  /** The tier's priority, or the lower one the call asked for. */
  priority = 0
  ticket: QuotaTicket | undefined
  pool!: Pool
  model: string | undefined
  /** The model as metrics label it before a budget resolved it. */
  cost: Cost = { requests: 1, tokens: 0 }
  body: Buffer | undefined
  /** Whether the answer is a stream of events (checked for a proper end). */
  isStream: boolean
  deadline = 0
  headersDeadline = 0
  attempts = 0
  queueMs = 0
  keyId: string | undefined
  /** The client's credential came in `?key=`: the real key goes upstream the same way. */
  keyInQuery = false
  /** The project holding the resources the call names; only its keys may serve it. */
  project: string | undefined
  /** An upload chunk's session: its client, project and the key that started it. */
  upload: ResourcePin | undefined

  constructor(req: IncomingMessage, res: ServerResponse, route: Route, id: string, now: number) {
    this.req = req
    this.res = res
    this.route = route
    this.requestId = id
    this.arrivedAt = now
    this.model = route.model
    this.isStream = route.isStream
  }

  get operation(): Operation {
    return this.route.operation
  }

  /** The client went away. */
  cancel(): void {
    this.cancellation.cancel(new DOMException('This operation was aborted', 'AbortError'))
  }

  /** Notes a key the call was sent to, so that a retry goes elsewhere when it can. */
  markTried(keyId: string): void {
    if (this.tried === NONE_TRIED) this.tried = new Set([keyId])
    else (this.tried as Set<string>).add(keyId)
  }

  /** Whether a call whose body reached the upstream may be sent again (it spends no money). */
  get isSafeToResend(): boolean {
    const method = this.req.method
    return this.operation === 'count' || this.operation === 'embed' || method === 'GET'
  }
}
