import { startKeypoolApp } from '../../dist/app.js'
import { configSchema } from '../../dist/config/schema.js'
import { batchedDestination, createLogger } from '../../dist/log/logger.js'
import { serveChild } from './ipc.js'

/**
 * keypool as it runs in production, in its own process: budgets, the queue, metrics and logs at
 * info. The log goes through the batched destination `keypool serve` writes stdout with, but
 * into /dev/null: formatting and writing the line is the cost measured, not the terminal.
 */
serveChild(async ({ config: input }) => {
  const config = configSchema.parse(input)
  const destination = batchedDestination('/dev/null')
  const logger = createLogger({ level: 'info', destination })
  const app = await startKeypoolApp({ config, logger, listen: '127.0.0.1:0' })
  return {
    url: app.url,
    close: () => app.close(),
    extra: () => ({ waiting: waitingCalls(app) }),
  }
})

/** Calls waiting in every pool's queue: the deep-queue run waits until it holds them all. */
function waitingCalls(app) {
  let total = 0
  for (const pool of app.scheduler.queueDepths()) total += pool.depth
  return total
}
