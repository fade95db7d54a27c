import { setMaxListeners } from 'node:events'
import { startKeypoolApp, type Keypool } from '../app.js'
import type { Logger } from '../log/logger.js'
import { startSimulator, type Simulator } from '../simulator/index.js'
import { ScaledClock } from '../util/clock.js'
import { keypoolConfig, simulatorLimits } from './config.js'
import type { Progress, ProgressSource } from './progress.js'
import { seededRandom } from './random.js'
import { MAX_WAIT_MS, SIM_LATENCY_MS, type Scenario } from './scenario.js'
import { DemoTally, type CallTally, type TallySnapshot } from './tally.js'
import { runTraffic } from './traffic.js'
import { formatDemoTime } from './time-scale.js'

/**
 * Runs the scenario: the simulator and keypool on one ScaledClock (the same instance, so both
 * agree on when a quota minute ends), the burst through keypool, then both closed.
 */

export interface RunOptions {
  readonly logger: Logger
  /** Starts the live view once the servers are up; stopped when the burst has ended. */
  readonly progress: (source: ProgressSource) => Progress
}

export interface DemoResult {
  readonly rows: readonly CallTally[]
  readonly totals: TallySnapshot
  /** Calls the simulator saw, and how many of them it refused for quota (its own count). */
  readonly upstreamCalls: number
  readonly upstreamOverLimit: number
  /** Demo time from the first question to the last answer. */
  readonly elapsedMs: number
  readonly realMs: number
}

/** Demo time after the last question is asked before calls still open are given up on. */
const GRACE_MS = 2 * MAX_WAIT_MS + 30_000
const MIN_REAL_GRACE_MS = 15_000

export async function runDemo(scenario: Scenario, options: RunOptions): Promise<DemoResult> {
  const clock = new ScaledClock(scenario.settings.scale)
  const sim = await startSimulator({ clock, limits: simulatorLimits(), latencyMs: SIM_LATENCY_MS })
  try {
    const tally = new DemoTally(scenario.clients)
    const keypool = await startKeypoolApp({
      config: keypoolConfig(scenario, sim.url),
      clock,
      logger: options.logger,
      observers: [tally.observer],
      random: seededRandom(scenario.settings.seed + 1),
    })
    try {
      return await burst({ scenario, clock, sim, keypool, tally, options })
    } finally {
      await keypool.close()
    }
  } finally {
    await sim.close()
  }
}

interface Stage {
  readonly scenario: Scenario
  readonly clock: ScaledClock
  readonly sim: Simulator
  readonly keypool: Keypool
  readonly tally: DemoTally
  readonly options: RunOptions
}

async function burst(stage: Stage): Promise<DemoResult> {
  const { scenario, clock, sim, keypool, tally } = stage
  const startedAt = clock.now()
  const realStart = Date.now()
  const progress = stage.options.progress({
    total: scenario.questions.length * 2,
    snapshot: () => tally.snapshot(),
    queued: () => keypool.scheduler.queueDepths().reduce((n, q) => n + q.depth, 0),
    elapsedMs: () => clock.now() - startedAt,
  })
  const watchdog = giveUpAfter(scenario)
  try {
    await runTraffic({ scenario, baseUrl: keypool.url, clock, tally, signal: watchdog.signal })
  } finally {
    watchdog.cancel()
    progress.stop()
  }
  return {
    rows: tally.rows(),
    totals: tally.snapshot(),
    upstreamCalls: sim.calls.length,
    upstreamOverLimit: sim.calls.filter((c) => c.overLimit).length,
    elapsedMs: clock.now() - startedAt,
    realMs: Date.now() - realStart,
  }
}

/**
 * A scheduler that hangs must show up as failed calls in the report, not as a demo that never
 * ends: calls still open long after every wait keypool may impose are aborted. The limit is in
 * demo time, with a floor in real time: at high scales a demo minute is too short for the
 * process to do a burst's real work (the first calls alone take a few hundred real ms).
 */
function giveUpAfter(scenario: Scenario) {
  const { scale } = scenario.settings
  const lastAsk = Math.max(0, ...scenario.questions.map((q) => q.atMs))
  const realLimit = Math.max((lastAsk + GRACE_MS) / scale, lastAsk / scale + MIN_REAL_GRACE_MS)
  const controller = new AbortController()
  // Every open call listens on this one signal; Node would warn past ten listeners.
  setMaxListeners(scenario.questions.length * 2 + 1, controller.signal)
  const timer = setTimeout(() => {
    const waited = formatDemoTime(realLimit * scale)
    controller.abort(new Error(`no answer after ${waited} of demo time; the demo gave up`))
  }, realLimit)
  timer.unref()
  return { signal: controller.signal, cancel: () => clearTimeout(timer) }
}
