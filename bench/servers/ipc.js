/**
 * The child's half of the bench protocol. Each server runs in its own process so that its CPU
 * time is its own: the parent asks for `process.cpuUsage()` before and after a run and divides
 * by the requests served. Messages: parent → child `start` (options), `stats`, `stop`;
 * child → parent `ready` (url), `stats`, `failed`.
 */

/**
 * Waits for `start`, runs `start(options)` (which resolves to `{ url, close, extra? }`), then
 * answers stats until told to stop. A parent that dies takes the child with it.
 */
export function serveChild(start) {
  process.once('disconnect', () => process.exit(0))
  process.on('message', (message) => {
    if (message?.type === 'start') void begin(start, message.options)
  })
}

async function begin(start, options) {
  let server
  try {
    server = await start(options)
  } catch (error) {
    process.send({ type: 'failed', error: String(error?.stack ?? error) })
    return
  }
  process.on('message', (message) => {
    if (message?.type === 'stats') process.send({ type: 'stats', id: message.id, ...stats(server) })
    if (message?.type === 'stop') void stop(server)
  })
  process.send({ type: 'ready', url: server.url })
}

function stats(server) {
  return {
    cpu: process.cpuUsage(),
    rss: process.memoryUsage.rss(),
    extra: server.extra?.() ?? {},
  }
}

/** Exits through `process.exit`, so that `--cpu-prof` writes its profile. */
async function stop(server) {
  try {
    await server.close()
  } finally {
    process.exit(0)
  }
}
