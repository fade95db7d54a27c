import type { IncomingMessage } from 'node:http'
import { clientToken, queryParam, stripKeyParam, upstreamHeaders } from '../gemini/credentials.js'
import type { Route } from '../gemini/route.js'

/**
 * Credentials and the upstream request of a Live API WebSocket (gemini-wire §1.8): the JS SDK
 * puts its key in `?key=` on a `//ws/…` path, Python in `x-goog-api-key`; an ephemeral token
 * comes as `?access_token=auth_tokens/…` or `Authorization: Token auth_tokens/…` with the
 * `…Constrained` method. The client's key is swapped for a real one in the same place; an
 * ephemeral token is the credential itself and goes through untouched.
 */

export interface LiveCredential {
  /** A keypool client token, or undefined when the client sent none. */
  readonly token: string | undefined
  /** The ephemeral token (`auth_tokens/…`), for the Constrained method. */
  readonly ephemeral: string | undefined
  /** The client's key came in the query: the real key goes there too. */
  readonly keyInQuery: boolean
}

/** Headers a WebSocket client sets for its own handshake; the upstream one makes its own. */
const HANDSHAKE = /^sec-websocket-/i

export function liveCredential(req: IncomingMessage, route: Route): LiveCredential {
  const fromQuery = queryParam(route.query, 'access_token')
  const authorization = req.headers.authorization
  const fromHeader = /^Token\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1]
  const ephemeral = fromQuery ?? fromHeader
  if (ephemeral !== undefined) return { token: undefined, ephemeral, keyInQuery: false }
  const token = clientToken(req.headers, route.query)
  const keyInQuery = token !== undefined && queryParam(route.query, 'key') === token
  return { token, ephemeral: undefined, keyInQuery }
}

/** `ws(s)://upstream/prefix/ws/…?…`: the client's path and query, the real key where its was. */
export function liveUpstreamUrl(
  origin: string,
  prefix: string,
  route: Route,
  key: string | undefined,
  credential: LiveCredential,
): string {
  const wsOrigin = origin.replace(/^http/, 'ws')
  const query = stripKeyParam(route.query)
  const keyQuery =
    key !== undefined && credential.keyInQuery ? `key=${encodeURIComponent(key)}` : ''
  const full = [query, keyQuery].filter(Boolean).join('&')
  return `${wsOrigin}${prefix}${route.path}${full ? `?${full}` : ''}`
}

/** The client's upgrade headers without its credential and handshake, plus the real key. */
export function liveUpstreamHeaders(
  req: IncomingMessage,
  key: string | undefined,
  credential: LiveCredential,
): Record<string, string> {
  const headerKey = credential.keyInQuery ? undefined : key
  const flat = upstreamHeaders(req.rawHeaders, headerKey, 'header', undefined)
  const headers: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase()
    if (HANDSHAKE.test(name) || name === 'content-length') continue
    const value = flat[i + 1]!
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  const authorization = req.headers.authorization
  if (credential.ephemeral !== undefined && authorization?.startsWith('Token ')) {
    headers.authorization = authorization
  }
  return headers
}
