import type { IncomingHttpHeaders } from 'node:http'
import type { Config } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import { parseDuration } from '../util/units.js'

/** What a call's own headers ask of keypool, checked before anything else happens. */
export interface CallOptions {
  /** The longest this call may wait in the queue (ms). */
  allowedWaitMs: number
  /** The longest the whole call may take before the answer's headers (ms). */
  totalMs: number
  /** `x-keypool-priority`, when sent (clamped later against the client's tier). */
  priority: number | undefined
  bypassCache: boolean
}

/**
 * The allowed wait is the least of `queue.maxWait`, `x-keypool-max-wait`, `X-Server-Timeout`
 * (sent by @google/genai when the app sets a timeout) and `server.requestTimeout`.
 */
export function callOptions(headers: IncomingHttpHeaders, config: Config): CallOptions {
  const maxWait = headerDuration(headers, 'x-keypool-max-wait')
  const serverTimeout = headerSeconds(headers, 'x-server-timeout')
  const totalMs = Math.min(config.server.requestTimeout, serverTimeout ?? Infinity)
  const allowedWaitMs = Math.min(config.queue.maxWait, maxWait ?? Infinity, totalMs)
  return {
    allowedWaitMs,
    totalMs,
    priority: headerInteger(headers, 'x-keypool-priority'),
    bypassCache: headers['x-keypool-cache'] === 'bypass',
  }
}

function headerDuration(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  const text = String(value).trim()
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text)
  if (ms === undefined)
    throw badHeader(name, `must be a duration such as 30s, got "${text.slice(0, 40)}"`)
  return ms
}

function headerSeconds(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw badHeader(
      name,
      `must be a positive number of seconds, got "${String(value).slice(0, 40)}"`,
    )
  }
  return seconds * 1000
}

function headerInteger(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  const text = String(value).trim()
  if (!/^-?\d{1,6}$/.test(text))
    throw badHeader(name, `must be an integer, got "${text.slice(0, 40)}"`)
  return Number(text)
}

function badHeader(header: string, problem: string): KeypoolError {
  return new KeypoolError('KP_ERR_BAD_HEADER', { header, problem })
}
