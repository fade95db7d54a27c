import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Operation } from '../config/schema.js'
import type { Route } from '../gemini/route.js'
import { AbortSource } from '../upstream/abort-source.js'
import type { ResourcePin } from '../pool/affinity-store.js'
import type { CallPlan, Cost } from '../pool/scheduler.js'
import type { Pool } from '../pool/pool.js'
import type { Client } from './client-auth.js'
import type { QuotaTicket } from './client-quota.js'

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
  readonly abort = new AbortController()
  /** What undici watches to stop the upstream request; `cancel` fires it with `abort`. */
  readonly upstreamAbort = new AbortSource()
  readonly tried = new Set<string>()
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

  get signal(): AbortSignal {
    return this.abort.signal
  }

  /** The client went away: the queue drops the call and its upstream request stops. */
  cancel(): void {
    this.abort.abort()
    this.upstreamAbort.abort(this.abort.signal.reason)
  }

  /** Whether a call whose body reached the upstream may be sent again (it spends no money). */
  get isSafeToResend(): boolean {
    const method = this.req.method
    return this.operation === 'count' || this.operation === 'embed' || method === 'GET'
  }
}
