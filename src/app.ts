import type { Dispatcher } from 'undici'
import type { Config } from './config/schema.js'
import type { BudgetStore } from './limits/store.js'
import { silentLogger, type Logger } from './log/logger.js'
import { fanOut, type KeypoolEvents } from './observe/events.js'
import { logObserver } from './observe/log-observer.js'
import { BudgetScheduler } from './pool/budget-scheduler.js'
import { KeyProber } from './pool/prober.js'
import { createUpstreamDispatcher } from './upstream/dispatcher.js'
import { startKeypool, type KeypoolServer } from './server/server.js'
import { MemoryBudgetStore } from './state/memory-budget-store.js'
import { systemClock, type Clock } from './util/clock.js'

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

/** keypool, wired: budgets in memory, the budget scheduler, logs from events. */
export async function startKeypoolApp(options: KeypoolOptions): Promise<Keypool> {
  const clock = options.clock ?? systemClock
  const events = fanOut(logObserver(options.logger ?? silentLogger), ...(options.observers ?? []))
  const store = new MemoryBudgetStore()
  const dispatcher = options.dispatcher ?? createUpstreamDispatcher(options.config.server)
  const upstream = new URL(options.config.server.upstream)
  let scheduler: BudgetScheduler | undefined
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
    },
    options.listen,
  )
  const stopServer = server.shutdown
  const shutdown = async (graceMs: number) => {
    prober.stop()
    await stopServer(graceMs)
    if (!options.dispatcher) await dispatcher.close()
  }
  return Object.assign(server, {
    store,
    scheduler: scheduler!,
    prober,
    shutdown,
    close: () => shutdown(0),
  })
}
