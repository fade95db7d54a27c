import { createLogger, isLogLevel, LOG_LEVELS, type Logger } from '../log/logger.js'
import { UsageError } from './args.js'
import type { CommandIO } from './io.js'

/** The global flags that shape logging, as `parseCommandArgs` returns them. */
export interface LoggingFlags {
  readonly 'log-level'?: string
  readonly pretty?: boolean
}

/**
 * The logger every command builds the same way: `--log-level`, else `$KEYPOOL_LOG_LEVEL`, else
 * the logger's own default; JSON lines on the command's stdout, or `--pretty` lines for people.
 */
export function createCommandLogger(flags: LoggingFlags, io: CommandIO): Logger {
  const fromEnv = io.env.KEYPOOL_LOG_LEVEL
  const level = flags['log-level'] ?? (fromEnv === '' ? undefined : fromEnv)

  if (level !== undefined && !isLogLevel(level)) {
    const source = flags['log-level'] === undefined ? '$KEYPOOL_LOG_LEVEL' : '--log-level'
    throw new UsageError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`)
  }
  // process.stdout gets pino's own fast writer; any other stream (a test's) is written directly.
  const destination = io.stdout === process.stdout ? undefined : io.stdout
  return createLogger({ level, pretty: flags.pretty ?? false, destination })
}
