import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { KeypoolError } from '../errors/keypool-error.js'
import { classifyRoute, type Route } from '../gemini/route.js'
import { LiveLimitResolver } from '../limits/live-limit.js'
import { LiveSessions } from '../pool/live-sessions.js'
import { findPool, type Pool } from '../pool/pool.js'
import { groupByProject, type ProjectGroup } from '../pool/project-group.js'
import type { Clock } from '../util/clock.js'
import type { Client } from './client-auth.js'
import { connectUpstream, type UpstreamFailure } from './live-connect.js'
import { LiveSession } from './live-session.js'
import {
  liveCredential,
  liveUpstreamHeaders,
  liveUpstreamUrl,
  type LiveCredential,
} from './live-upstream.js'
import type { ProxyContext } from './proxy.js'
import { requestIdFrom } from './request-id.js'
import { asKeypoolError } from './respond.js'

/**
 * The Live API (design section 4, gemini-wire §1.8): keypool accepts the client's WebSocket,
 * reads its setup message for the model, takes one of a project's `liveSessions` slots, and
 * opens the upstream socket with a real key of that project in place of the client's (an
 * ephemeral token goes to the project that minted it). A refusal before the upgrade is an
 * HTTP error in Google's shape; after it, close code 1008 (policy) or 1013 (try again later).
 */

/** A project's session slot and the key that serves it. */
interface Claim {
  readonly group: ProjectGroup
  readonly sessionGroup: string
  readonly key: ProjectGroup['keys'][number]
}

/** Who opened a session and where it may go. */
interface Opening {
  readonly requestId: string
  readonly route: Route
  readonly req: IncomingMessage
  readonly client: Client
  readonly credential: LiveCredential
  /** The project that minted the ephemeral token, when there is one. */
  readonly project: string | undefined
  readonly arrivedAt: number
}

/** A session's progress: its slot, the attempts made, what it is for. */
interface SessionState {
  claim: Claim | undefined
  attempts: number
  model: string
  pool: Pool | undefined
}

/** An upgrade refused before it became a session. */
interface Refused {
  readonly requestId: string
  client: Client | undefined
  readonly arrivedAt: number
}

interface SessionEnd {
  readonly status: number
  readonly code?: string
  readonly key?: string | undefined
  readonly attempts?: number
  readonly model?: string
  readonly pool?: Pool | undefined
}

export interface LiveGatewayOptions {
  readonly ctx: ProxyContext
  readonly isShuttingDown: () => boolean
}

export class LiveGateway {
  readonly #ctx: ProxyContext
  readonly #isShuttingDown: () => boolean
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  readonly #slots = new LiveSessions()
  readonly #limits: LiveLimitResolver
  readonly #groups = new Map<Pool, ProjectGroup[]>()
  readonly #open = new Set<LiveSession>()
  #idle: Array<() => void> = []
  #turn = 0

  constructor(options: LiveGatewayOptions) {
    this.#ctx = options.ctx
    this.#isShuttingDown = options.isShuttingDown
    this.#limits = new LiveLimitResolver(options.ctx.config.limits)
  }

  /** Sessions open now. */
  get size(): number {
    return this.#open.size
  }

  /** Sessions open in a project (all models), for tests and the status page. */
  openIn(project: string): number {
    return this.#slots.openIn(project)
  }

  /** The server's `upgrade` event: a Live path, or a 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#upgrade(req, socket, head)
  }

  /** Shutdown: waits for sessions to end within `graceMs`, then closes the rest (1001). */
  async drain(graceMs: number, clock: Clock): Promise<void> {
    if (this.#open.size > 0 && graceMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = clock.setTimer(graceMs, resolve)
        this.#idle.push(() => {
          timer.cancel()
          resolve()
        })
      })
    }
    for (const session of this.#open) session.close(1001, 'keypool is shutting down')
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const requestId = requestIdFrom(req.headers['x-request-id'])
    const arrivedAt = this.#ctx.clock.now()
    const refused: Refused = { requestId, client: undefined, arrivedAt }
    try {
      const route = liveRoute(req)
      const credential = liveCredential(req, route)
      const { who, project } = await this.#authenticate(credential)
      refused.client = who
      if (this.#isShuttingDown()) throw new KeypoolError('KP_ERR_SHUTTING_DOWN', { retry: '1s' }, 1)
      this.#ctx.quotas.admit(who, arrivedAt)
      const opening = { requestId, route, req, client: who, credential, project, arrivedAt }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(opening, ws))
    } catch (error) {
      const refusal = asKeypoolError(error)
      refuseUpgrade(socket, refusal, requestId)
      this.#report(refused, { status: refusal.httpStatus, code: refusal.code })
    }
  }

  /** A client token, or an ephemeral token minted through keypool (its client's credential). */
  async #authenticate(credential: LiveCredential): Promise<{ who: Client; project?: string }> {
    const { auth, affinity } = this.#ctx
    if (credential.ephemeral === undefined) return { who: auth.authenticate(credential.token) }
    const pin = await affinity.lookup(credential.ephemeral)
    const minter = auth.byId(pin?.client)
    if (pin && minter) return { who: minter, project: pin.project }
    // A token keypool never saw: only an anonymous keypool lets it through, to any project.
    if (auth.isAnonymous) return { who: auth.authenticate(undefined) }
    throw new KeypoolError('KP_ERR_BAD_TOKEN')
  }

  #serve(opening: Opening, ws: WebSocket): void {
    const state: SessionState = { claim: undefined, attempts: 0, model: '-', pool: undefined }
    const session = new LiveSession(
      ws,
      (setup) => void this.#start(opening, session, state, modelOfSetup(setup)),
      () => this.#ended(opening, session, state),
    )
    this.#open.add(session)
  }

  /**
   * Claims a slot and connects upstream, on another key or project when one fails before the
   * upgrade (a bad key, a 429, a 5xx), up to `retry.maxAttempts`.
   */
  async #start(opening: Opening, session: LiveSession, state: SessionState, model: string) {
    state.model = model
    state.pool = findPool(this.#ctx.pools, opening.route.operation, model)
    const tried = new Set<string>()
    let last: UpstreamFailure | undefined
    while (state.attempts < this.#ctx.config.retry.maxAttempts) {
      const claim = state.pool && this.#claim(state.pool, model, opening.project, tried)
      if (!claim) return session.close(1013, last?.reason ?? noSlotReason(state.pool))
      state.attempts++
      state.claim = claim
      tried.add(claim.key.id)
      const result = await this.#connect(opening, claim)
      if (result instanceof WebSocket) return session.attach(result)
      this.#release(state)
      last = result
      if (session.isEnded || !result.isRetryable) return session.close(result.code, result.reason)
    }
    session.close(last?.code ?? 1011, last?.reason ?? 'keypool: no attempt reached the upstream')
  }

  #ended(opening: Opening, session: LiveSession, state: SessionState): void {
    this.#open.delete(session)
    const key = state.claim?.key.id
    const status = state.claim ? 101 : 503
    this.#release(state)
    this.#report(opening, {
      status,
      key,
      attempts: state.attempts,
      model: state.model,
      pool: state.pool,
    })
    if (this.#open.size === 0) for (const wake of this.#idle.splice(0)) wake()
  }

  #release(state: SessionState): void {
    if (!state.claim) return
    this.#slots.close(state.claim.group.project, state.claim.sessionGroup)
    state.claim = undefined
  }

  #connect(opening: Opening, claim: Claim): Promise<WebSocket | UpstreamFailure> {
    const ctx = this.#ctx
    // An ephemeral token is the credential: no key goes with it, and no key is to blame.
    const isEphemeral = opening.credential.ephemeral !== undefined
    const key = isEphemeral ? undefined : claim.key.secret
    const { upstreamOrigin, upstreamPrefix } = ctx
    const url = liveUpstreamUrl(
      upstreamOrigin,
      upstreamPrefix,
      opening.route,
      key,
      opening.credential,
    )
    const lease = { key: claim.key, budgetModel: 'other', waitedMs: 0 }
    return connectUpstream(url, liveUpstreamHeaders(opening.req, key, opening.credential), {
      timeoutMs: ctx.config.server.requestTimeout,
      learn: isEphemeral
        ? undefined
        : (verdict) => ctx.scheduler.settle(lease, { kind: 'refused', verdict }),
    })
  }

  /** A project of the pool with a free session slot and an active key, projects in turn. */
  #claim(
    pool: Pool,
    model: string,
    pinned: string | undefined,
    tried: Set<string>,
  ): Claim | undefined {
    const groups = this.#groupsOf(pool)
    const count = groups.length
    const start = this.#turn++
    for (let i = 0; i < count; i++) {
      const group = groups[(start + i) % count]!
      if (pinned !== undefined && group.project !== pinned) continue
      const key = group.pickKey(tried, 'round-robin', Math.random)
      if (!key) continue
      const limit = this.#limits.resolve(model, key.usageTier)
      if (!this.#slots.tryOpen(group.project, limit.group, limit.max)) continue
      return { group, sessionGroup: limit.group, key }
    }
    return undefined
  }

  #groupsOf(pool: Pool): ProjectGroup[] {
    let groups = this.#groups.get(pool)
    if (!groups) {
      groups = groupByProject(pool.keys)
      this.#groups.set(pool, groups)
    }
    return groups
  }

  #report(opening: Opening | Refused, end: SessionEnd): void {
    this.#ctx.events.requestFinished({
      requestId: opening.requestId,
      client: opening.client?.id ?? 'unauthenticated',
      pool: end.pool?.name ?? '-',
      operation: 'other',
      model: end.model ?? '-',
      status: end.status,
      code: end.code,
      key: end.key,
      attempts: end.attempts ?? 0,
      queueMs: 0,
      durationMs: this.#ctx.clock.now() - opening.arrivedAt,
    })
  }
}

function liveRoute(req: IncomingMessage): Route {
  const route = classifyRoute(req.url ?? '/')
  if (route.kind === 'live' && route.verb?.startsWith('BidiGenerateContent')) return route
  throw new KeypoolError('KP_ERR_NOT_FOUND', { method: req.method ?? 'GET', path: route.path })
}

/** The model a setup message names (`{"setup":{"model":"models/…"}}`), without `models/`. */
export function modelOfSetup(data: RawData): string {
  try {
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8')
    const message = JSON.parse(text) as { setup?: { model?: unknown } }
    const model = message.setup?.model
    if (typeof model === 'string' && model !== '') return model.replace(/^models\//, '')
  } catch {
    // Not JSON: the upstream answers it; the session counts under `other`.
  }
  return 'other'
}

function noSlotReason(pool: Pool | undefined): string {
  if (!pool) return 'keypool: no pool serves Live sessions'
  return 'keypool: every project is at its liveSessions limit; try again later'
}

/** An HTTP error on the raw socket of an upgrade keypool will not accept. */
function refuseUpgrade(socket: Duplex, error: KeypoolError, requestId: string): void {
  if (!socket.writable) return void socket.destroy()
  const body = JSON.stringify(error.toGoogleBody())
  const lines = [
    `HTTP/1.1 ${error.httpStatus} ${STATUS_TEXT[error.httpStatus] ?? 'Error'}`,
    'Content-Type: application/json; charset=UTF-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    ...(error.retryAfterHeader ? [`Retry-After: ${error.retryAfterHeader}`] : []),
    'Connection: close',
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}
