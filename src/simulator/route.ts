/**
 * Reading a request line. Routing works on the raw path, never `new URL`: the JS SDK sends
 * `//ws/…` and other doubled slashes that a URL parser would read as a host (design section 4).
 */

export type Api = 'native' | 'openai' | 'upload' | 'control' | 'unknown'

export interface Route {
  readonly api: Api
  /** `v1beta`, `v1` or `v1alpha`; empty for control routes. */
  readonly version: string
  /** Path segments after the version (and after `openai/`), the verb cut from the last. */
  readonly segments: readonly string[]
  /** The `:verb` of the last segment (`generateContent`), or null. */
  readonly verb: string | null
  /** The path as received, without the query. */
  readonly path: string
  readonly query: URLSearchParams
}

const VERSIONS = new Set(['v1beta', 'v1', 'v1alpha'])
const EMPTY_QUERY = new URLSearchParams()

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function splitVerb(segments: string[]): string | null {
  const last = segments[segments.length - 1]
  if (last === undefined) return null
  const colon = last.indexOf(':')
  if (colon < 0) return null
  segments[segments.length - 1] = last.slice(0, colon)
  return last.slice(colon + 1)
}

/** The route of a raw request URL; `unknown` when it is outside every API the simulator serves. */
export function parseRoute(url: string): Route {
  const mark = url.indexOf('?')
  const path = mark < 0 ? url : url.slice(0, mark)
  const query = mark < 0 ? EMPTY_QUERY : new URLSearchParams(url.slice(mark + 1))
  const parts = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment)

  let api: Api = 'native'
  if (parts[0] === '__sim') {
    return { api: 'control', version: '', segments: parts.slice(1), verb: null, path, query }
  }
  if (parts[0] === 'upload') {
    api = 'upload'
    parts.shift()
  }
  const version = parts.shift()
  if (version === undefined || !VERSIONS.has(version)) {
    return { api: 'unknown', version: '', segments: parts, verb: null, path, query }
  }
  if (api === 'native' && parts[0] === 'openai') {
    api = 'openai'
    parts.shift()
  }
  const verb = splitVerb(parts)
  return { api, version, segments: parts, verb, path, query }
}
