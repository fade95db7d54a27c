import type { IncomingMessage } from 'node:http'
import { WebSocket } from 'ws'
import {
  classifyUpstreamError,
  parseGoogleError,
  type UpstreamVerdict,
} from '../gemini/upstream-error.js'

/**
 * Opens the upstream side of a Live session. An upstream that refuses the upgrade answers
 * HTTP like any REST call (a bad key, a 429, a 5xx): its verdict is learnt as for REST, and
 * the caller may try another key before the client has seen anything but its own open socket.
 */

export interface UpstreamFailure {
  /** The close code the client gets: 1008 for its own fault, 1013 to try later, 1011 else. */
  readonly code: number
  readonly reason: string
  /** Whether another key or project might do better. */
  readonly isRetryable: boolean
}

export interface ConnectOptions {
  readonly timeoutMs: number
  /** Told what an HTTP refusal says of the key (undefined: the key is not to blame). */
  readonly learn: ((verdict: UpstreamVerdict) => void) | undefined
}

/** Error bodies are small; a larger one is cut here. */
const MAX_ERROR_BYTES = 64 * 1024

export function connectUpstream(
  url: string,
  headers: Record<string, string>,
  options: ConnectOptions,
): Promise<WebSocket | UpstreamFailure> {
  return new Promise((resolve) => {
    const upstream = new WebSocket(url, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs,
    })
    upstream.once('open', () => resolve(upstream))
    upstream.once('unexpected-response', (_request, response) => {
      void readError(response).then((body) => {
        upstream.terminate()
        const verdict = classifyUpstreamError(response.statusCode ?? 502, body)
        options.learn?.(verdict)
        resolve(failureOf(response.statusCode ?? 502, body, verdict))
      })
    })
    // Errors after the open or after a refusal find the promise settled; the listener stays
    // so that none is ever thrown.
    upstream.on('error', (error) => {
      const reason = `keypool: the upstream could not be reached (${codeOf(error)})`
      resolve({ code: 1011, reason, isRetryable: true })
    })
  })
}

function failureOf(status: number, body: string, verdict: UpstreamVerdict): UpstreamFailure {
  const message = parseGoogleError(body)?.message ?? `HTTP ${status}`
  const reason = `upstream ${status}: ${message}`
  if (verdict.kind === 'client') return { code: 1008, reason, isRetryable: false }
  const isKeyFault = verdict.kind === 'disable-key' || verdict.kind === 'flag-key'
  return { code: isKeyFault ? 1008 : status >= 500 ? 1011 : 1013, reason, isRetryable: true }
}

function readError(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BYTES) chunks.push(chunk)
      size += chunk.length
    })
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    response.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')))
    response.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : error.message.slice(0, 60)
}
