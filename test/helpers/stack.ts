import { Writable } from 'node:stream'
import type { Test } from 'tap'
import type { Dispatcher } from 'undici'
import { startKeypoolApp, type Keypool, type KeypoolOptions } from '../../src/app.js'
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js'
import { createLogger } from '../../src/log/logger.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import { ManualClock, type Clock } from '../../src/util/clock.js'

/** The simulator's built-in keys, as a keypool config names them. */
export const SIM_KEY_CONFIG = [
  { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
  { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
  { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
] as const

export interface StackOptions {
  /** Config fields over a default of the four sim keys in one `main` pool. */
  config?: Partial<ConfigInput>
  clock?: Clock
  sim?: SimulatorOptions
  observers?: KeypoolOptions['observers']
  random?: () => number
  /** The upstream URL keypool is given (a tap in front of the simulator); default the simulator. */
  upstream?: (sim: Simulator) => string | Promise<string>
  /** keypool's upstream dispatcher, built from the parsed config; the test closes it. */
  dispatcher?: (config: Config) => Dispatcher
}

export interface Stack {
  sim: Simulator
  keypool: Keypool
  config: Config
  clock: Clock
  /** keypool's base URL, for SDKs. */
  url: string
  /** Every log line keypool wrote, parsed. */
  logs: Array<Record<string, unknown>>
  /** The raw log text, for secret scans. */
  rawLogs: () => string
}

/** Starts the simulator and keypool in front of it on port 0; both close in teardown. */
export async function startStack(t: Test, options: StackOptions = {}): Promise<Stack> {
  const clock = options.clock ?? new ManualClock(Date.now())
  const sim = await startSimulator({ clock, ...options.sim })
  const upstream = options.upstream ? await options.upstream(sim) : sim.url
  const config = configSchema.parse({
    keys: SIM_KEY_CONFIG.map((k) => ({ ...k })),
    pools: { main: { keys: SIM_KEY_CONFIG.map((k) => k.id) } },
    ...options.config,
    server: { listen: '127.0.0.1:0', ...options.config?.server, upstream },
  })
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'))
      done()
    },
  })
  const logger = createLogger({ level: 'debug', destination })
  const keypool = await startKeypoolApp({
    config,
    clock,
    logger,
    ...(options.observers ? { observers: options.observers } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher(config) } : {}),
  })
  t.teardown(async () => {
    await keypool.close()
    await sim.close()
  })
  const rawLogs = () => lines.join('')
  return {
    sim,
    keypool,
    config,
    clock,
    url: keypool.url,
    rawLogs,
    get logs() {
      return rawLogs()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    },
  }
}
