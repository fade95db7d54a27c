import { silentLogger, type Logger } from '../log/logger.js'
import { formatHeader } from '../demo/header.js'
import { startProgress, type ProgressMode } from '../demo/progress.js'
import { formatReport } from '../demo/report.js'
import { runDemo } from '../demo/runner.js'
import { buildScenario, DEFAULT_SETTINGS, type DemoSettings } from '../demo/scenario.js'
import { exitOnUsageError, parseCommandArgs, UsageError } from './args.js'
import { EXIT_FAILURE, EXIT_OK, type CommandIO } from './io.js'
import { createCommandLogger } from './logging.js'

const OPTIONS = {
  scale: { type: 'string' },
  calls: { type: 'string' },
  seed: { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const

/**
 * `keypool demo [--scale N] [--calls N] [--seed N] [--no-progress]`: the simulator, keypool and
 * a burst of real SDK traffic in one process, then a table per tier. Exit 0 when no call went
 * upstream over a limit and every call was answered or refused by keypool itself.
 */
export function run(args: string[], io: CommandIO): Promise<number> {
  return exitOnUsageError(io, async () => {
    const { values } = parseCommandArgs('demo', args, OPTIONS)
    const scenario = buildScenario(settingsFrom(values))
    const mode: ProgressMode =
      values['no-progress'] === true ? 'off' : isTerminal(io.stdout) ? 'bar' : 'lines'

    io.stdout.write(formatHeader(scenario))
    const result = await runDemo(scenario, {
      logger: demoLogger(values, io),
      progress: (source) => startProgress(io.stdout, mode, source, scenario.settings.scale),
    })
    const report = formatReport(scenario, result)
    io.stdout.write(`\n${report.text}`)
    return report.verdict.ok ? EXIT_OK : EXIT_FAILURE
  })
}

function settingsFrom(values: { scale?: string; calls?: string; seed?: string }): DemoSettings {
  const scale = numberFlag(
    'scale',
    values.scale,
    DEFAULT_SETTINGS.scale,
    (n) => n >= 1 && n <= 1000,
  )
  const calls = numberFlag('calls', values.calls, DEFAULT_SETTINGS.calls, isCallCount)
  const seed = numberFlag('seed', values.seed, DEFAULT_SETTINGS.seed, Number.isSafeInteger)
  return { scale, calls, seed }
}

/** Each question is an embed and a generate call, and each of the six clients asks at least one. */
function isCallCount(n: number): boolean {
  return Number.isInteger(n) && n % 2 === 0 && n >= 12 && n <= 10_000
}

const EXPECTED = {
  scale: 'a clock speed from 1 to 1000 (12: 1 minute = 5 seconds)',
  calls: 'an even number of calls from 12 to 10000 (each question is an embed and a generate call)',
  seed: 'an integer',
} as const

function numberFlag(
  name: keyof typeof EXPECTED,
  text: string | undefined,
  fallback: number,
  isValid: (n: number) => boolean,
): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (text.trim() === '' || !isValid(value)) {
    throw new UsageError(`keypool demo: --${name} must be ${EXPECTED[name]}, got "${text}"`)
  }
  return value
}

/** keypool's logs stay off unless asked for; then they go to stderr, apart from the demo's. */
function demoLogger(values: { 'log-level'?: string; pretty?: boolean }, io: CommandIO): Logger {
  if (values['log-level'] === undefined) return silentLogger
  return createCommandLogger(values, { ...io, stdout: io.stderr })
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true
}
