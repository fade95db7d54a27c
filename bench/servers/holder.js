import { createServer } from 'node:http'
import { serveChild } from './ipc.js'

/**
 * The reference for keypool's memory with a deep queue: a bare node:http server that reads
 * each call's body and never answers, so it holds as many open requests as keypool holds
 * waiting calls. What it weighs is what Node itself costs for them, before any keypool state.
 */
serveChild(async () => {
  let held = 0
  const server = createServer((req) => {
    req.resume()
    req.on('end', () => held++)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: async () => server.closeAllConnections(),
    extra: () => ({ waiting: held }),
  }
})
