import { parseArgs, type ParseArgsConfig } from 'node:util'
import { isLogLevel, LOG_LEVELS } from '../log/logger.js'
import { EXIT_USAGE, type CommandIO } from './io.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags every command accepts (design section 2), before or after the command's name. */
export const GLOBAL_OPTIONS = {
  config: { type: 'string' },
  'log-level': { type: 'string' },
  pretty: { type: 'boolean' },
  listen: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies Options

/** A bad command line: main prints the message and exits 2. */
export class UsageError extends Error {
  readonly code = 'KP_ERR_USAGE'

  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Runs a command's body; a UsageError becomes its message on stderr and exit code 2. */
export async function exitOnUsageError(
  io: CommandIO,
  body: () => number | Promise<number>,
): Promise<number> {
  try {
    return await body()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`${error.message}\n`)
    return EXIT_USAGE
  }
}

/**
 * Parses a command's arguments: the global flags plus its own, nothing else. Throws a
 * UsageError that names the command and the flag, so each command reads alike.
 */
export function parseCommandArgs<const T extends Options>(command: string, args: string[], own: T) {
  const options = { ...GLOBAL_OPTIONS, ...own }
  let parsed
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false })
  } catch (error) {
    throw new UsageError(`keypool ${command}: ${describeParseError(error)} (see keypool --help)`)
  }

  const level = (parsed.values as Record<string, unknown>)['log-level']
  if (typeof level === 'string' && !isLogLevel(level)) {
    const message = `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`
    throw new UsageError(`keypool ${command}: ${message}`)
  }
  return parsed
}

/** Node's messages are long and generic; these say which flag and what was wrong. */
function describeParseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = 'code' in error ? error.code : undefined
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}`
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(error.message)?.[1] ?? ''
    return `unexpected argument "${argument}"`
  }
  // Node's other messages are fine but may run to several lines; the first says it.
  return error.message.split('\n')[0] ?? error.message
}
