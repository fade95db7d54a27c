import type { Dispatcher } from 'undici'
import type { Config } from './config/schema.js'
import type { BudgetStore } from './limits/store.js'
import { silentLogger, type Logger } from './log/logger.js'
import { fanOut, type KeypoolEvents } from './observe/events.js'
import { logObserver } from './observe/log-observer.js'
import { KeypoolMetrics } from './metrics/keypool-metrics.js'
import { BudgetScheduler } from './pool/budget-scheduler.js'
import { KeyProber } from './pool/prober.js'
import { createUpstreamDispatcher } from './upstream/dispatcher.js'
import { startKeypool, type KeypoolServer } from './server/server.js'
import { MemoryBudgetStore } from './state/memory-budget-store.js'
import { systemClock, toClockMs, type Clock } from './util/clock.js'

/**
 * Real time allowed between keypool granting a call and Google counting it (keypool's own
 * event loop, the network). A real-time span: under the demo's scaled clock it is worth more
 * clock time, under a manual clock none (tests move time only between calls).
 */
const TRIP_ALLOWANCE_REAL_MS = 500

export interface KeypoolOptions {
  config: Config
  clock?: Clock
  logger?: Logger
  /** Extra observers beside the log (tests read events directly). */
  observers?: KeypoolEvents[]
  /** HOST:PORT to listen on; `server.listen` when absent. */
  listen?: string
  dispatcher?: Dispatcher
  random?: () => number
}

export interface Keypool extends KeypoolServer {
  readonly store: BudgetStore
  readonly scheduler: BudgetScheduler
  readonly prober: KeyProber
}

/** keypool, wired: budgets in memory, the budget scheduler, logs and metrics from events. */
export async function startKeypoolApp(options: KeypoolOptions): Promise<Keypool> {
  const clock = options.clock ?? systemClock
  const metrics = new KeypoolMetrics(options.config)
  const logs = logObserver(options.logger ?? silentLogger)
  const events = fanOut(logs, metrics.events, ...(options.observers ?? []))
  const store = new MemoryBudgetStore({ tripAllowanceMs: toClockMs(clock, TRIP_ALLOWANCE_REAL_MS) })
  const dispatcher = options.dispatcher ?? createUpstreamDispatcher(options.config.server)
  const upstream = new URL(options.config.server.upstream)
  let scheduler: BudgetScheduler | undefined
  // What the status page and the state gauges read; the scheduler exists once the server does.
  const state = {
    budgets: (now: number) => store.snapshot(now),
    queueDepths: () => scheduler?.queueDepths() ?? [],
  }
  const prober = new KeyProber({
    clock,
    dispatcher,
    upstreamOrigin: upstream.origin,
    upstreamPrefix: upstream.pathname.replace(/\/+$/, ''),
    events,
    onRestore: (key) => scheduler?.keyRestored(key),
  })
  const server = await startKeypool(
    {
      config: options.config,
      clock,
      events,
      createScheduler: (_keys, pools) => {
        scheduler = new BudgetScheduler({
          config: options.config,
          clock,
          store,
          events,
          pools,
          onKeyFlagged: (key) => prober.watch(key),
          ...(options.random ? { random: options.random } : {}),
        })
        return scheduler
      },
      dispatcher,
      ...(options.random ? { random: options.random } : {}),
      ownRoutes: { metrics: metrics.registry, ...state },
    },
    options.listen,
  )
  metrics.watch({ keys: server.keys, ...state }, clock)
  // Captured before Object.assign below puts the app's own shutdown in its place.
  const stopServer = server.shutdown.bind(server)
  let stopping: Promise<void> | undefined
  const shutdown = (graceMs: number) =>
    (stopping ??= (async () => {
      prober.stop()
      await stopServer(graceMs)
      if (!options.dispatcher) await dispatcher.close()
    })())
  return Object.assign(server, {
    store,
    scheduler: scheduler!,
    prober,
    shutdown,
    close: () => shutdown(0),
  })
}
