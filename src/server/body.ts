import type { IncomingMessage } from 'node:http'
import { KeypoolError } from '../errors/keypool-error.js'
import { formatSize } from '../util/units.js'

/**
 * Reads a request body that keypool must see (routing and accounting need the model and the
 * prompt), refusing more than `maxBytes` before anything is sent upstream.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  assertDeclaredSize(req, maxBytes)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}

/** Refuses at once a body whose declared length is over the limit. */
export function assertDeclaredSize(req: IncomingMessage, maxBytes: number): void {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
}

function tooLarge(maxBytes: number): KeypoolError {
  return new KeypoolError('KP_ERR_BODY_TOO_LARGE', { max: formatSize(maxBytes) })
}
