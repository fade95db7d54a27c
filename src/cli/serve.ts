import { startKeypoolApp } from '../app.js'
import { ConfigError } from '../config/errors.js'
import { loadConfigFile, resolveConfigPath } from '../config/load.js'
import { exitOnUsageError, parseCommandArgs } from './args.js'
import { EXIT_FAILURE, EXIT_OK, type CommandIO } from './io.js'
import { createCommandLogger } from './logging.js'

/** `keypool serve [--config FILE] [--listen HOST:PORT]`: run the proxy until SIGTERM or SIGINT. */
export function run(args: string[], io: CommandIO): Promise<number> {
  return exitOnUsageError(io, async () => {
    const { values } = parseCommandArgs('serve', args, {})
    const logger = createCommandLogger(values, io)
    const path = resolveConfigPath(values.config, io.env)
    let config
    try {
      config = await loadConfigFile(path, { env: io.env, listen: values.listen })
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      io.stderr.write(`${error.message}\n`)
      return EXIT_FAILURE
    }

    const listen = values.listen ?? config.server.listen
    let app
    try {
      app = await startKeypoolApp({ config, logger, listen })
    } catch (error) {
      // A taken port or unreadable TLS material: say what and where, not a stack trace.
      const detail = error instanceof Error ? error.message : String(error)
      io.stderr.write(`keypool serve: cannot listen on ${listen}: ${detail}\n`)
      return EXIT_FAILURE
    }
    const pools = app.pools.map((p) => ({ pool: p.name, keys: p.keys.map((k) => k.id) }))
    logger.info({ url: app.url, upstream: config.server.upstream, pools }, 'keypool listening')

    const signal = await nextSignal()
    logger.info({ signal, inFlight: app.inFlight }, 'shutting down')
    await app.shutdown(config.server.shutdownGrace)
    logger.info('stopped')
    logger.flush()
    return EXIT_OK
  })
}

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      resolve(signal)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}
