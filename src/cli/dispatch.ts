import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError } from '../config/errors.js'
import { GLOBAL_OPTIONS, UsageError } from './args.js'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CommandIO, type CommandRun } from './io.js'

/** The commands of design section 2; each lives in `src/cli/<name>.ts` and exports `run`. */
const COMMANDS = {
  serve: '[--config FILE] [--listen HOST:PORT]  run the proxy (the default command)',
  check:
    '[--config FILE] [--probe]  validate a config; print pools, keys (ids only), limits; ' +
    '--probe sends each key one free call',
  schema: 'print the config JSON Schema (for editor validation of YAML)',
  'mock-upstream': '[--port N] [--host H] [--config FILE]  run the built-in Gemini simulator',
  demo:
    '[--scale N] [--calls N] [--seed N] [--no-progress]  simulator + proxy + SDK traffic ' +
    'from several clients; no keys, no network',
} as const

type CommandName = keyof typeof COMMANDS

/**
 * The whole command line: finds the command (serve when none is named), loads only its module,
 * and turns a bad command line into exit code 2 and a bad config into exit code 1.
 */
export async function main(args: string[], io: CommandIO): Promise<number> {
  try {
    const { command, rest, wantsHelp, wantsVersion } = splitCommand(args)
    if (wantsHelp) return write(io.stdout, usage(), EXIT_OK)
    if (wantsVersion) return write(io.stdout, `${version()}\n`, EXIT_OK)

    const run = await loadCommand(command)
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) return write(io.stderr, `${error.message}\n`, EXIT_USAGE)
    if (error instanceof ConfigError) return write(io.stderr, `${error.message}\n`, EXIT_FAILURE)
    throw error
  }
}

interface SplitCommand {
  command: CommandName
  /** The arguments without the command's name, for the command to parse. */
  rest: string[]
  wantsHelp: boolean
  wantsVersion: boolean
}

/** Global flags may come before the command (`keypool --config x check`), so skip them. */
function splitCommand(args: string[]): SplitCommand {
  const { values, tokens } = parseArgs({
    args,
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const first = tokens.find((token) => token.kind === 'positional')
  const name = first?.value ?? 'serve'
  const wantsHelp = values.help === true
  const wantsVersion = values.version === true

  if (!isCommand(name) && !wantsHelp && !wantsVersion) {
    const names = Object.keys(COMMANDS).join(', ')
    throw new UsageError(`keypool: unknown command "${name}" (commands: ${names})`)
  }
  const rest = first === undefined ? args : args.filter((_, index) => index !== first.index)
  return { command: isCommand(name) ? name : 'serve', rest, wantsHelp, wantsVersion }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

/** A dynamic import, so `keypool check` never loads the server, the simulator or the SDKs. */
async function loadCommand(command: CommandName): Promise<CommandRun> {
  const specifier = `./${command}.js`
  let module: unknown
  try {
    module = await import(specifier)
  } catch (error) {
    if (!isMissing(error, specifier)) throw error
    throw new UsageError(`keypool ${command}: this command is not built yet`)
  }
  const run = typeof module === 'object' && module !== null && 'run' in module ? module.run : null
  if (typeof run !== 'function') throw new Error(`src/cli/${command} does not export run()`)
  return run as CommandRun
}

/**
 * Only the command's own file missing means "not built"; a missing dependency is a bug. The
 * message is matched, not the code: TypeScript loaders in tests throw without a code.
 */
function isMissing(error: unknown, specifier: string): boolean {
  if (!(error instanceof Error)) return false
  const file = specifier.slice(2, -3)
  return new RegExp(`^Cannot find module '[^']*[/\\\\]cli[/\\\\]${file}\\.(js|ts)'`).test(
    error.message,
  )
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  const lines = Object.entries(COMMANDS).map(
    ([name, text]) => `  keypool ${name.padEnd(width)}  ${text}`,
  )
  return [
    'keypool: share Gemini API keys behind one proxy, with exact budgets, a fair queue and retries',
    '',
    'usage: keypool [command] [options]',
    ...lines,
    '',
    'global options:',
    '  --config FILE       the config (else $KEYPOOL_CONFIG, else config/keypool.yaml)',
    '  --listen HOST:PORT  overrides server.listen',
    '  --log-level LEVEL   fatal, error, warn, info, debug, trace or silent ($KEYPOOL_LOG_LEVEL)',
    '  --pretty            logs for people instead of JSON lines',
    '  -h, --help          this text',
    '  --version           the version of keypool',
    '',
  ].join('\n')
}

function version(): string {
  // src/cli and dist/cli both sit two folders below package.json.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  const parsed = JSON.parse(text) as { version?: unknown }
  return String(parsed.version)
}

function write(stream: NodeJS.WritableStream, text: string, code: number): number {
  stream.write(text)
  return code
}
