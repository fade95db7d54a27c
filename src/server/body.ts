import type { IncomingMessage } from 'node:http'
import { KeypoolError } from '../errors/keypool-error.js'
import { formatSize } from '../util/units.js'

/**
 * Reads a request body that keypool must see (routing and accounting need the model and the
 * prompt), refusing more than `maxBytes` before anything is sent upstream.
 *
 * Plain listeners rather than `for await`: the async iterator, its end-of-stream watcher and
 * its generator cost about 2 % of keypool's CPU per call, and stayed in memory for every call
 * waiting in the queue (bench/, `npm run bench`).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  assertDeclaredSize(req, maxBytes)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      // The rest of the body flows on to no listener: dropped, so that the 413 can go out.
      stop()
      reject(tooLarge(maxBytes))
    }
    const onEnd = () => {
      stop()
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    const onClose = () => onError(prematureClose())
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

/** Refuses at once a body whose declared length is over the limit. */
export function assertDeclaredSize(req: IncomingMessage, maxBytes: number): void {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
}

function tooLarge(maxBytes: number): KeypoolError {
  return new KeypoolError('KP_ERR_BODY_TOO_LARGE', { max: formatSize(maxBytes) })
}

/** What `for await` threw for a request closed before its end (the client went away). */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
}
