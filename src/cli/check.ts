import { ConfigError } from '../config/errors.js'
import { loadConfigFile, resolveConfigPath } from '../config/load.js'
import { exitOnUsageError, parseCommandArgs } from './args.js'
import { formatCheckReport } from './check-report.js'
import { EXIT_FAILURE, EXIT_OK, type CommandIO } from './io.js'
import { probeKeys } from './probe.js'

/**
 * `keypool check [--config FILE] [--probe]`: loads the config as `serve` would and prints what
 * it found (ids, never secrets), or every problem with its line, exiting 1. `--probe` also
 * sends each key one free call and exits 1 when a key is invalid, leaked or disabled.
 */
export function run(args: string[], io: CommandIO): Promise<number> {
  return exitOnUsageError(io, async () => {
    const { values } = parseCommandArgs('check', args, { probe: { type: 'boolean' } })
    const path = resolveConfigPath(values.config, io.env)
    try {
      const config = await loadConfigFile(path, { env: io.env, listen: values.listen })
      io.stdout.write(formatCheckReport(path, config))
      if (values.probe === true && (await probeKeys(config, io)).failed > 0) return EXIT_FAILURE
      return EXIT_OK
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      const count = error.issues.length
      io.stderr.write(`${error.message}\n${count} problem${count === 1 ? '' : 's'} in ${path}\n`)
      return EXIT_FAILURE
    }
  })
}
