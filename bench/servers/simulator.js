import { startSimulator } from '../../dist/simulator/index.js'
import { serveChild } from './ipc.js'

/** The fake Google, in its own process. Its call log stays off: a long run must hold memory flat. */
serveChild(async ({ keys, limits }) => {
  const sim = await startSimulator({ port: 0, keys, limits, recordCalls: false })
  return { url: sim.url, close: () => sim.close() }
})
