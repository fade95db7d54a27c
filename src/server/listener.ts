import { readFileSync } from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Config } from '../config/schema.js'

/**
 * keypool's listener: plain HTTP, or HTTPS (and so WSS) when `server.tls` names a certificate
 * and a key. Python's SDK always opens the Live API with `wss://` (gemini-wire §1.8), so it
 * needs this; the files were checked readable when the config loaded.
 */
export function createListener(server: Config['server'], handler: RequestListener): Server {
  if (!server.tls) return createServer(handler)
  const options = { cert: readFileSync(server.tls.cert), key: readFileSync(server.tls.key) }
  return createTlsServer(options, handler)
}
