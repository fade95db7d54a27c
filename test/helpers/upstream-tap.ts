import { createServer, request, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

/**
 * A recording hop between keypool and the simulator: it forwards every request and answer
 * untouched and keeps what crossed the wire, so tests can read exactly what keypool sent
 * upstream (every header, the query, the body) and the bytes the upstream answered.
 */

export interface TappedCall {
  method: string
  /** Path and query as keypool sent them. */
  url: string
  /** Header names and values, flat, as received. */
  rawHeaders: string[]
  body: Buffer
  status: number
  /** The answer's body bytes as the upstream sent them (before any hop of keypool's). */
  answer: Buffer
  /** Resolves when the answer has ended or broken. */
  done: Promise<void>
}

export interface Tap {
  readonly url: string
  readonly calls: TappedCall[]
}

/** Starts a tap in front of `target` (an origin) on port 0, closed in teardown. */
export async function startTap(t: Test, target: string): Promise<Tap> {
  const calls: TappedCall[] = []
  const server = createServer((req, res) => {
    let finish!: () => void
    const call: TappedCall = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
      status: 0,
      answer: Buffer.alloc(0),
      done: new Promise<void>((resolve) => (finish = resolve)),
    }
    calls.push(call)
    const sent: Buffer[] = []
    req.on('data', (chunk: Buffer) => sent.push(chunk))
    req.on('end', () => (call.body = Buffer.concat(sent)))
    const upstream = request(`${target}${call.url}`, {
      method: call.method,
      headers: req.rawHeaders,
    })
    upstream.on('response', (answer) => {
      call.status = answer.statusCode ?? 0
      res.writeHead(call.status, answer.rawHeaders)
      const received: Buffer[] = []
      answer.on('data', (chunk: Buffer) => {
        received.push(chunk)
        res.write(chunk)
      })
      answer.on('end', () => res.end())
      // A stream the upstream reset reaches keypool reset too.
      answer.on('aborted', () => res.destroy())
      answer.on('close', () => {
        call.answer = Buffer.concat(received)
        finish()
      })
    })
    upstream.on('error', () => {
      res.destroy()
      finish()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, calls }
}

/** The values of header `name` (any case) in a flat raw header list. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const out: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) out.push(rawHeaders[i + 1]!)
  }
  return out
}

/** A parsed answer, read loosely by assertions (`t.match` checks its shape). */
export type LooseJson = any

export interface RawReply {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
  json: LooseJson
}

export interface RawOptions {
  headers?: Record<string, string>
  body?: string | Buffer
  /** The local address to call from (any 127.x.y.z on Linux). */
  localAddress?: string
}

/**
 * A plain node:http call: nothing decompresses the answer, adds headers or rewrites the path,
 * so a test sees the bytes keypool wrote.
 */
export function rawCall(
  base: string,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawReply> {
  const headers = { ...options.headers }
  if (options.body !== undefined)
    headers['content-length'] = String(Buffer.byteLength(options.body))
  const extra = options.localAddress ? { localAddress: options.localAddress } : {}
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, ...extra }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('close', () => {
        if (!res.complete) reject(new Error('the connection closed before the answer ended'))
      })
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const text = body.toString('utf8')
        let json: LooseJson
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The ErrorInfo detail of a Google-shaped error body. */
export function errorInfo(json: LooseJson): { reason?: string; domain?: string } | undefined {
  const details: Array<Record<string, unknown>> = json?.error?.details ?? []
  return details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')
}
