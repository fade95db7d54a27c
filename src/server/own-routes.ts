import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Config } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import type { Route } from '../gemini/route.js'
import type { BudgetSnapshot } from '../limits/budget.js'
import type { MetricsRegistry } from '../metrics/registry.js'
import type { QueueDepth, StateView } from '../metrics/state-view.js'
import { statusDocument } from '../metrics/status.js'
import type { RuntimeKey } from '../pool/key.js'
import type { Clock } from '../util/clock.js'
import { isPositionRoute, servePosition, type PositionSources } from './position-route.js'
import { asKeypoolError, sendError, sendJson } from './respond.js'

/** What the app adds to what the server knows itself; each part absent in a bare server. */
export interface OwnRouteSources {
  /** Served at `/metrics`; without it that route is unknown. */
  readonly metrics?: MetricsRegistry
  readonly budgets?: (now: number) => BudgetSnapshot[]
  readonly queueDepths?: () => QueueDepth[]
}

export interface OwnRouteOptions extends OwnRouteSources {
  readonly config: Config
  readonly clock: Clock
  readonly keys: readonly RuntimeKey[]
  readonly isShuttingDown: () => boolean
  /** Calls a client made today under its tier's quota. */
  readonly clientToday?: (clientId: string, now: number) => number
  /** Waiting calls' places, for `GET /keypool/requests/{id}`. */
  readonly position?: Omit<PositionSources, 'isAdmin'>
}

export type OwnRoutes = (
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  requestId: string,
) => void

/**
 * keypool's own routes (design section 4): health, readiness, metrics, status.
 *
 * Admin access: `Authorization: Bearer <admin.token>`, compared in constant time. With no
 * admin token configured, only loopback callers may read the admin routes: a keypool bound to
 * 127.0.0.1 needs no token to be inspected from its own host, and one reachable from a network
 * shows nothing to it until a token is set. `/metrics` is open unless `admin.metricsPublic` is
 * false, so that Prometheus needs no secret by default; it holds ids and counts only.
 */
export function createOwnRoutes(options: OwnRouteOptions): OwnRoutes {
  const admin = adminCheck(options.config.admin.token)
  const view: StateView = {
    keys: options.keys,
    budgets: options.budgets ?? (() => []),
    queueDepths: options.queueDepths ?? (() => []),
    clientToday: options.clientToday ?? (() => 0),
  }
  const position = options.position && { ...options.position, isAdmin: admin }
  return (req, res, route, requestId) => {
    const path = route.path
    const isRead = req.method === 'GET' || req.method === 'HEAD'
    if (isRead && path === '/keypool/health') return sendJson(res, 200, { status: 'ok' })
    if (isRead && path === '/keypool/ready') return sendReadiness(res, options)
    if (isRead && path === '/metrics' && options.metrics) {
      if (!options.config.admin.metricsPublic && !admin(req)) return refuse(res, requestId)
      return void sendMetrics(res, options.metrics, requestId)
    }
    if (isRead && path === '/keypool/status') {
      if (!admin(req)) return refuse(res, requestId)
      return sendJson(res, 200, statusDocument(options.config, view, options.clock.now()))
    }
    if (isRead && position && isPositionRoute(route)) {
      return servePosition(position, req, res, route, requestId)
    }
    const error = new KeypoolError('KP_ERR_NOT_FOUND', { method: req.method ?? '-', path })
    sendError(res, error, requestId)
  }
}

/** 200 while the process serves calls; 503 with the reason while it cannot (design section 4). */
function sendReadiness(res: ServerResponse, options: OwnRouteOptions): void {
  const reason = notReadyReason(options)
  if (reason === undefined) return sendJson(res, 200, { status: 'ready' })
  sendJson(res, 503, { status: 'unavailable', reason })
}

function notReadyReason(options: OwnRouteOptions): string | undefined {
  if (options.isShuttingDown()) return 'shutting down'
  // The memory store always answers; a remote state store will add its own reason here.
  if (!options.keys.some((key) => key.isActive))
    return 'no usable key: every key is disabled or flagged'
  return undefined
}

async function sendMetrics(
  res: ServerResponse,
  metrics: MetricsRegistry,
  requestId: string,
): Promise<void> {
  try {
    const body = await metrics.metrics()
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
  } catch (error) {
    sendError(res, asKeypoolError(error), requestId)
  }
}

function refuse(res: ServerResponse, requestId: string): void {
  sendError(res, new KeypoolError('KP_ERR_ADMIN_AUTH'), requestId)
}

/** Whether a request may read the admin routes (see createOwnRoutes). */
function adminCheck(token: string | undefined): (req: IncomingMessage) => boolean {
  if (token === undefined) return (req) => isLoopback(req.socket.remoteAddress)
  const expected = sha256(token)
  return (req) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    // Both sides hashed: equal lengths for timingSafeEqual, and no length leaks through timing.
    return match !== null && timingSafeEqual(sha256(match[1]!), expected)
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false
  return address === '::1' || /^(::ffff:)?127\./.test(address)
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
