import { parseArgs } from 'node:util'
import { startKeypoolApp } from '../app.js'
import { ConfigError } from '../config/errors.js'
import { loadConfigFile, resolveConfigPath } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { createLogger, isLogLevel } from '../log/logger.js'
import type { CommandIO } from './io.js'

/** `keypool serve [--config FILE] [--listen HOST:PORT]`: run the proxy until SIGTERM or SIGINT. */
export async function run(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      listen: { type: 'string' },
      'log-level': { type: 'string' },
      pretty: { type: 'boolean' },
    },
    allowPositionals: false,
  })
  const level = values['log-level'] ?? io.env.KEYPOOL_LOG_LEVEL ?? 'info'
  if (!isLogLevel(level)) {
    io.stderr.write(`keypool: --log-level must be one of fatal, error, warn, info, debug, trace\n`)
    return 2
  }
  const logger = createLogger({ level, pretty: values.pretty ?? false })
  let config: Config
  try {
    config = await loadConfigFile(resolveConfigPath(values.config, io.env), { env: io.env })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.stderr.write(`${error.message}\n`)
    return 1
  }

  const app = await startKeypoolApp({
    config,
    logger,
    ...(values.listen ? { listen: values.listen } : {}),
  })
  const pools = app.pools.map((p) => ({ pool: p.name, keys: p.keys.map((k) => k.id) }))
  logger.info({ url: app.url, upstream: config.server.upstream, pools }, 'keypool listening')

  const signal = await nextSignal()
  logger.info({ signal, inFlight: app.inFlight }, 'shutting down')
  await app.shutdown(config.server.shutdownGrace)
  logger.info('stopped')
  logger.flush()
  return 0
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
