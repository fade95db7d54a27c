import { createServer } from 'node:http'
import { Pool } from 'undici'
import { serveChild } from './ipc.js'

/**
 * The floor: a bare forwarder with undici `Pool.stream`, as in perf-anchors.md. No logic, just
 * bytes: the client's headers and body go upstream as they are, the answer streams back. Any
 * Node proxy pays at least this, so keypool's CPU per request is compared with it.
 */

/** Request headers undici refuses to send, or that describe only the client's hop. */
const DROPPED_REQUEST = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
])
const DROPPED_ANSWER = new Set(['connection', 'keep-alive', 'transfer-encoding'])

serveChild(async ({ upstream, holdPath }) => {
  // As many connections as keypool's own dispatcher keeps, so the pools are alike.
  const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 30_000 })
  const held = new HeldCalls(holdPath)
  const server = createServer((req, res) => held.take(req) || forward(pool, req, res))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    extra: () => ({ waiting: held.count }),
    close: async () => {
      server.closeAllConnections()
      await pool.close()
    },
  }
})

/**
 * The deep-queue reference: calls whose path holds `holdPath` are read and never answered, so
 * the floor holds as many open calls as keypool holds waiting ones. What they cost the floor
 * under load is what Node itself costs for them.
 */
class HeldCalls {
  count = 0

  constructor(holdPath) {
    this.holdPath = holdPath
  }

  take(req) {
    if (!this.holdPath || !req.url.includes(this.holdPath)) return false
    req.resume()
    let counted = false
    req.once('end', () => {
      counted = true
      this.count++
    })
    // A call the client gave up on no longer costs the floor anything: it stops counting.
    req.socket.once('close', () => counted && this.count--)
    return true
  }
}

function forward(pool, req, res) {
  const options = {
    path: req.url,
    method: req.method,
    headers: requestHeaders(req.rawHeaders),
    body: req,
  }
  pool
    .stream(options, ({ statusCode, headers }) => openAnswer(res, statusCode, headers))
    .catch(() => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
}

function openAnswer(res, statusCode, headers) {
  for (const name of DROPPED_ANSWER) delete headers[name]
  res.writeHead(statusCode, headers)
  return res
}

function requestHeaders(raw) {
  const out = []
  for (let i = 0; i < raw.length; i += 2) {
    if (!DROPPED_REQUEST.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1])
  }
  return out
}
