import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { constants, createGzip, gzipSync, type Gzip } from 'node:zlib'

/** Low-level reading and writing; Google's framing decisions live in the handlers. */

export const JSON_TYPE = 'application/json; charset=UTF-8'

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export function wantsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding']
  return accept !== undefined && accept.includes('gzip')
}

/** Writes a whole answer at once, gzipped when the client asked for it (as Google does). */
export function writeWhole(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  payload: string | Buffer,
  gzip: boolean,
): void {
  let body = typeof payload === 'string' ? Buffer.from(payload) : payload
  if (gzip && body.length > 0) {
    body = gzipSync(body)
    headers['content-encoding'] = 'gzip'
    headers.vary = 'Accept-Encoding'
  }
  headers['content-length'] = body.length
  res.writeHead(status, headers)
  res.end(body)
}

/** A response written in pieces, each flushed through gzip at once so streams stay live. */
export class StreamWriter {
  readonly #res: ServerResponse
  readonly #gzip: Gzip | null
  /** Writes not yet flushed to the socket; `destroy` waits for them. */
  #pending = 0
  #onFlushed: (() => void) | null = null

  constructor(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, gzip: boolean) {
    this.#res = res
    if (gzip) {
      headers['content-encoding'] = 'gzip'
      headers.vary = 'Accept-Encoding'
    }
    res.writeHead(status, headers)
    this.#gzip = gzip ? createGzip({ flush: constants.Z_SYNC_FLUSH }) : null
    this.#gzip?.pipe(res)
    // Pieces written in the same turn leave in one socket write instead of one syscall each.
    res.cork()
    process.nextTick(() => res.uncork())
  }

  write(text: string): void {
    if (this.#gzip) {
      this.#gzip.write(text)
      return
    }
    this.#pending++
    this.#res.write(text, () => {
      this.#pending--
      if (this.#pending === 0) this.#onFlushed?.()
    })
  }

  end(): void {
    if (this.#gzip) this.#gzip.end()
    else this.#res.end()
  }

  /** Resets the connection once what was written has left, as a dying server would. */
  destroy(): void {
    const kill = (): void => void this.#res.destroy()
    if (this.#gzip) {
      // The flush callback runs once the compressed bytes are handed on; give them a turn.
      this.#gzip.flush(() => setImmediate(kill))
    } else if (this.#pending === 0) {
      kill()
    } else {
      this.#onFlushed = kill
    }
  }
}
