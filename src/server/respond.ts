import type { ServerResponse } from 'node:http'
import { KeypoolError } from '../errors/keypool-error.js'

/** Longer waits than this are left to the app, not to an SDK's silent automatic retry. */
const MAX_SDK_RETRY_SECONDS = 60

/** Writes one of keypool's own errors in Google's shape, with Retry-After when it has one. */
export function sendError(
  res: ServerResponse,
  error: KeypoolError,
  requestId: string,
  extra?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = JSON.stringify(error.toGoogleBody())
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...extra,
  }
  const retryAfter = error.retryAfterHeader
  if (retryAfter) headers['retry-after'] = retryAfter
  // The OpenAI SDKs sleep for any Retry-After, hours included, before retrying on their own;
  // they skip that when told not to. A 429 that cannot pass within a minute says so.
  if (error.httpStatus === 429 && !(Number(retryAfter) <= MAX_SDK_RETRY_SECONDS)) {
    headers['x-should-retry'] = 'false'
  }
  res.writeHead(error.httpStatus, headers)
  res.end(body)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extra?: Record<string, string>,
): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    ...extra,
  })
  res.end(body)
}

/** Any thrown value as a KeypoolError; unexpected ones become KP_ERR_INTERNAL. */
export function asKeypoolError(error: unknown): KeypoolError {
  if (error instanceof KeypoolError) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new KeypoolError('KP_ERR_INTERNAL', { detail: detail.slice(0, 200) })
}
