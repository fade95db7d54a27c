import type { IncomingMessage, ServerResponse } from 'node:http'
import { KeypoolError } from '../errors/keypool-error.js'
import { clientToken } from '../gemini/credentials.js'
import type { Route } from '../gemini/route.js'
import type { WaitingPosition } from '../pool/budget-scheduler.js'
import type { ClientAuth } from './client-auth.js'
import { sendError, sendJson } from './respond.js'

export interface PositionSources {
  readonly positionOf: (requestId: string) => WaitingPosition | undefined
  readonly auth: ClientAuth
  readonly isAdmin: (req: IncomingMessage) => boolean
}

const PREFIX = '/keypool/requests/'

export function isPositionRoute(route: Route): boolean {
  return route.path.startsWith(PREFIX) && route.path.length > PREFIX.length
}

/**
 * `GET /keypool/requests/{id}`: a waiting call's place in the queue and its estimated wait, so
 * an app can say "you are number 3, about 40 seconds". Only the client that sent the call (its
 * own token) or the admin may ask; anyone else learns nothing, not even whether it exists.
 */
export function servePosition(
  sources: PositionSources,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  requestId: string,
): void {
  const id = safeDecode(route.path.slice(PREFIX.length))
  const position = sources.positionOf(id)
  if (!position || !mayAsk(sources, req, route, position)) {
    // Echo only what a request id may hold, so nothing else a caller put in the path returns.
    const shown = /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : '-'
    const error = new KeypoolError('KP_ERR_UNKNOWN_REQUEST', { id: shown })
    return sendError(res, error, requestId)
  }
  const { client, estimatedWaitMs, ...rest } = position
  sendJson(res, 200, {
    ...rest,
    state: 'waiting',
    client: client.id,
    estimatedWaitMs: estimatedWaitMs ?? null,
    estimatedWaitSeconds: estimatedWaitMs === undefined ? null : Math.ceil(estimatedWaitMs / 1000),
  })
}

function mayAsk(
  sources: PositionSources,
  req: IncomingMessage,
  route: Route,
  position: WaitingPosition,
): boolean {
  if (sources.isAdmin(req)) return true
  if (sources.auth.isAnonymous) return true
  return sources.auth.isSameClient(position.client, clientToken(req.headers, route.query))
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
