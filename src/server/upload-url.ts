import type { IncomingMessage } from 'node:http'

/**
 * The `X-Goog-Upload-URL` of a resumable upload, rewritten to point at keypool (gemini-wire
 * §1.4): Python sends the chunks to that URL as it is, with no key, so it must reach keypool,
 * never Google, and carry no key. The JS SDK keeps its path and puts its own base URL's host in
 * front, so the path must be the one keypool serves.
 */

export interface RewrittenUpload {
  /** The URL the client gets: keypool's scheme, host, port and prefix, no key. */
  readonly url: string
  readonly uploadId: string
}

/**
 * How the client reached keypool: `scheme://host[:port][/prefix]`. Behind a reverse proxy the
 * `X-Forwarded-*` headers say it; they only shape the URL sent back to the same client.
 */
export function clientBase(req: IncomingMessage): string {
  const socket = req.socket as (typeof req.socket & { encrypted?: boolean }) | null
  const isTls = socket?.encrypted === true
  const scheme = firstValue(req.headers['x-forwarded-proto']) ?? (isTls ? 'https' : 'http')
  const host = firstValue(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost'
  const prefix = (firstValue(req.headers['x-forwarded-prefix']) ?? '').replace(/\/+$/, '')
  const slashed = prefix === '' || prefix.startsWith('/') ? prefix : `/${prefix}`
  return `${scheme}://${host}${slashed}`
}

/**
 * The upstream's upload URL with keypool's base in front and any `key=` removed; undefined
 * when it is not a URL with an `upload_id`. `upstreamPrefix` is the path of the configured
 * upstream, which keypool adds to every call and so takes off here.
 */
export function rewriteUploadUrl(
  upstreamUrl: string,
  upstreamPrefix: string,
  base: string,
): RewrittenUpload | undefined {
  let parsed: URL
  try {
    parsed = new URL(upstreamUrl)
  } catch {
    return undefined
  }
  const uploadId = parsed.searchParams.get('upload_id')
  if (!uploadId) return undefined
  // Only touched when present: rewriting the query would re-encode the opaque id.
  if (parsed.searchParams.has('key')) parsed.searchParams.delete('key')
  let path = parsed.pathname
  if (upstreamPrefix && path.startsWith(`${upstreamPrefix}/`))
    path = path.slice(upstreamPrefix.length)
  return { url: `${base}${path}${parsed.search}`, uploadId }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value
  const first = text?.split(',')[0]?.trim()
  return first ? first : undefined
}
