import { ConfigError } from '../config/errors.js'
import { loadConfigFile } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { startSimulator, type SimKey, type SimLimit } from '../simulator/index.js'
import { exitOnUsageError, parseCommandArgs, UsageError } from './args.js'
import { EXIT_FAILURE, EXIT_OK, type CommandIO } from './io.js'

/** Where `config/keypool.sim.yaml` expects the simulator (its `server.upstream`). */
const DEFAULT_PORT = 8788

function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`keypool mock-upstream: --port must be 0 to 65535, got "${text}"`)
  }
  return port
}

/** The simulator's keys and limits from a keypool config: the same keys, projects and tiers. */
function fromConfig(config: Config): { keys: SimKey[]; limits: SimLimit[] } {
  const keys = config.keys.map((k) => ({
    key: k.key ?? '',
    project: k.project ?? `key:${k.id}`,
    usageTier: k.usageTier,
  }))
  const limits = config.limits.map((l) => ({ ...l }))
  return { keys, limits }
}

/**
 * `keypool mock-upstream [--port N] [--host H] [--config FILE]`: runs the Gemini simulator until
 * SIGINT or SIGTERM. Without `--config` it knows the built-in `sim-key-*` keys.
 */
export function run(args: string[], io: CommandIO): Promise<number> {
  return exitOnUsageError(io, async () => {
    const { values } = parseCommandArgs('mock-upstream', args, {
      port: { type: 'string' },
      host: { type: 'string' },
    })
    const port = portOf(values.port)
    let fromFile = {}
    if (values.config !== undefined) {
      try {
        fromFile = fromConfig(await loadConfigFile(values.config, { env: io.env }))
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        io.stderr.write(`${error.message}\n`)
        return EXIT_FAILURE
      }
    }

    const sim = await startSimulator({ port, host: values.host ?? '127.0.0.1', ...fromFile })
    io.stdout.write(`keypool mock-upstream: Gemini simulator listening on ${sim.url}\n`)
    await nextSignal()
    await sim.close()
    return EXIT_OK
  })
}

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      resolve(signal)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}
