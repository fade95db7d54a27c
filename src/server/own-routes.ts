import type { IncomingMessage, ServerResponse } from 'node:http'
import { KeypoolError } from '../errors/keypool-error.js'
import type { Route } from '../gemini/route.js'
import type { ProxyContext } from './proxy.js'
import { sendError, sendJson } from './respond.js'

/** keypool's own routes (design section 4): health, readiness, metrics, status. */
export function handleOwnRoute(
  _ctx: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  requestId: string,
): void {
  if (route.path === '/keypool/health') return sendJson(res, 200, { status: 'ok' })
  const error = new KeypoolError('KP_ERR_NOT_FOUND', { method: req.method ?? '-', path: route.path })
  sendError(res, error, requestId)
}
