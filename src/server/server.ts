import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Config } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import { classifyRoute } from '../gemini/route.js'
import type { KeypoolEvents } from '../observe/events.js'
import { Affinity } from '../pool/affinity.js'
import type { AffinityStore } from '../pool/affinity-store.js'
import { RuntimeKey } from '../pool/key.js'
import { Pool } from '../pool/pool.js'
import type { Scheduler } from '../pool/scheduler.js'
import { MemoryAffinityStore } from '../state/memory-affinity-store.js'
import type { Clock } from '../util/clock.js'
import { Call } from './call.js'
import { ClientAuth } from './client-auth.js'
import { ClientQuotas } from './client-quota.js'
import { createListener } from './listener.js'
import { LiveGateway } from './live.js'
import { proxyCall, type ProxyContext } from './proxy.js'
import { requestIdFrom } from './request-id.js'
import { createOwnRoutes, type OwnRouteSources, type OwnRoutes } from './own-routes.js'
import { sendError } from './respond.js'

export interface KeypoolServerOptions {
  config: Config
  clock: Clock
  events: KeypoolEvents
  /** Builds the scheduler from the runtime keys and pools. */
  createScheduler: (keys: readonly RuntimeKey[], pools: readonly Pool[]) => Scheduler
  /** Upstream connections; the server does not close it (its owner does). */
  dispatcher: Dispatcher
  random?: () => number
  /** Budgets, queues and metrics for keypool's own routes (status, /metrics). */
  ownRoutes?: OwnRouteSources
  /** Where resource-to-project pins live; memory when absent. */
  affinityStore?: AffinityStore
}

export interface KeypoolServer {
  readonly server: Server
  /** `http://host:port` once listening. */
  readonly url: string
  readonly keys: readonly RuntimeKey[]
  readonly pools: readonly Pool[]
  readonly scheduler: Scheduler
  /** Resource-to-project pins and upload sessions. */
  readonly affinity: Affinity
  /** Live API sessions. */
  readonly live: LiveGateway
  /** Calls being served right now. */
  readonly inFlight: number
  /**
   * SIGTERM's path (design section 6): stop accepting, answer queued calls 503 with
   * Retry-After, let in-flight calls and streams finish within `graceMs`, then cut the rest.
   */
  shutdown(graceMs: number): Promise<void>
  close(): Promise<void>
}

/** Builds the runtime keys and pools and serves them on `listen` (HOST:PORT; port 0 picks one). */
export async function startKeypool(
  options: KeypoolServerOptions,
  listen = options.config.server.listen,
): Promise<KeypoolServer> {
  const { config } = options
  const keys = config.keys.map((k) => new RuntimeKey(k))
  const byId = new Map(keys.map((k) => [k.id, k]))
  const pools = Object.entries(config.pools).map(
    ([name, pool]) =>
      new Pool(
        name,
        pool,
        pool.keys.map((id) => byId.get(id)!),
      ),
  )
  const scheduler = options.createScheduler(keys, pools)
  const dispatcher = options.dispatcher
  const upstream = new URL(config.server.upstream)
  const context: ProxyContext = {
    config,
    clock: options.clock,
    dispatcher,
    upstreamOrigin: upstream.origin,
    upstreamPrefix: upstream.pathname.replace(/\/+$/, ''),
    auth: new ClientAuth(config.clients, config.tiers, options.clock),
    quotas: new ClientQuotas(),
    lowestPriority: Math.min(...Object.values(config.tiers).map((tier) => tier.priority)),
    pools,
    scheduler,
    affinity: new Affinity({
      store: options.affinityStore ?? new MemoryAffinityStore(),
      clock: options.clock,
    }),
    events: options.events,
    ...(options.random ? { random: options.random } : {}),
  }

  let isShuttingDown = false
  const ownRoutes = createOwnRoutes({
    ...options.ownRoutes,
    config,
    clock: options.clock,
    keys,
    isShuttingDown: () => isShuttingDown,
    clientToday: (id, now) => context.quotas.todayOf(id, now),
    position: {
      positionOf: (id) => scheduler.positionOf?.(id),
      auth: context.auth,
    },
  })
  const tracker = new InFlight()
  const server = createListener(config.server, (req, res) => {
    tracker.enter(res)
    handle(context, ownRoutes, req, res)
  })
  const live = new LiveGateway({ ctx: context, isShuttingDown: () => isShuttingDown })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    live.handleUpgrade(req, socket, head)
  })
  applyTimeouts(server, config)
  const url = await listenOn(server, listen, config.server.tls ? 'https' : 'http')

  let closing: Promise<void> | undefined
  const closeServer = (graceMs: number) => (closing ??= stopServing(graceMs))
  const stopServing = async (graceMs: number) => {
    isShuttingDown = true
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    scheduler.drain()
    server.closeIdleConnections()
    await Promise.all([tracker.settled(graceMs, options.clock), live.drain(graceMs, options.clock)])
    server.closeAllConnections()
    await closed
  }
  return {
    server,
    url,
    keys,
    pools,
    scheduler,
    affinity: context.affinity,
    live,
    get inFlight() {
      return tracker.count
    },
    shutdown: closeServer,
    close: () => closeServer(0),
  }
}

/** Counts responses not yet finished, so shutdown can wait for them. */
class InFlight {
  count = 0
  #idle: Array<() => void> = []

  enter(res: ServerResponse): void {
    this.count++
    res.once('close', () => {
      this.count--
      if (this.count === 0) for (const wake of this.#idle.splice(0)) wake()
    })
  }

  /** Resolves when nothing is in flight, or after `graceMs` of the clock. */
  settled(graceMs: number, clock: Clock): Promise<void> {
    if (this.count === 0 || graceMs <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = clock.setTimer(graceMs, resolve)
      this.#idle.push(() => {
        timer.cancel()
        resolve()
      })
    })
  }
}

function handle(
  ctx: ProxyContext,
  ownRoutes: OwnRoutes,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const requestId = requestIdFrom(req.headers['x-request-id'])
  const route = classifyRoute(req.url ?? '/')
  if (route.kind === 'keypool') return ownRoutes(req, res, route, requestId)
  if (route.kind === 'unknown' || route.kind === 'live') {
    const error = new KeypoolError('KP_ERR_NOT_FOUND', {
      method: req.method ?? '-',
      path: route.path,
    })
    return sendError(res, error, requestId)
  }
  const call = new Call(req, res, route, requestId, ctx.clock.now())
  void proxyCall(ctx, call)
}

/**
 * Node's own server timers derive from the config (design section 6), never from defaults
 * that would cut a long call: the whole request may take `requestTimeout` to arrive, headers
 * must arrive within a minute (or the request timeout if shorter).
 */
function applyTimeouts(server: Server, config: Config): void {
  server.requestTimeout = config.server.requestTimeout
  server.headersTimeout = Math.min(60_000, config.server.requestTimeout)
  server.timeout = 0
  server.keepAliveTimeout = 65_000
}

async function listenOn(server: Server, listen: string, scheme: string): Promise<string> {
  const colon = listen.lastIndexOf(':')
  const host = listen.slice(0, colon).replace(/^\[|\]$/g, '')
  const port = Number(listen.slice(colon + 1))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${scheme}://${shownHost}:${address.port}`
}
