import { EnvHttpProxyAgent, Pool, ProxyAgent, type Dispatcher } from 'undici'
import type { Config } from '../config/schema.js'

/** Connections kept open to the upstream; Google serves many streams per host. */
const CONNECTIONS = 256
const CONNECT_TIMEOUT_MS = 10_000

/**
 * The one undici dispatcher for upstream calls: a keep-alive pool to the upstream origin, or a
 * proxy agent when `server.upstreamProxy` or HTTPS_PROXY / HTTP_PROXY (with NO_PROXY) say so.
 * Every timer derives from the config (design section 6), never from undici's defaults: the
 * header wait is the request's remaining time (set per call), the body timer is the idle timeout.
 */
export function createUpstreamDispatcher(
  server: Config['server'],
  env: NodeJS.ProcessEnv = process.env,
): Dispatcher {
  const timeouts = {
    headersTimeout: server.requestTimeout,
    bodyTimeout: server.streamIdleTimeout,
    connectTimeout: Math.min(CONNECT_TIMEOUT_MS, server.requestTimeout),
  }

  if (server.upstreamProxy) {
    return new ProxyAgent({ uri: server.upstreamProxy, ...timeouts, connections: CONNECTIONS })
  }
  if (hasProxyEnv(env)) {
    // From `env`, never from process.env behind its back (undici's own fallback); '' means none.
    const fromEnv = {
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    }
    return new EnvHttpProxyAgent({ ...timeouts, ...fromEnv, connections: CONNECTIONS })
  }
  return new Pool(new URL(server.upstream).origin, {
    connections: CONNECTIONS,
    headersTimeout: timeouts.headersTimeout,
    bodyTimeout: timeouts.bodyTimeout,
    connect: { timeout: timeouts.connectTimeout },
    keepAliveTimeout: 30_000,
  })
}

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)
}
