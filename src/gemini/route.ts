import type { Operation } from '../config/schema.js'

/**
 * Classification of an incoming call from its method and raw URL, without `new URL`: the JS SDK
 * opens Live at `//ws/…`, which a URL parser would read as a host (gemini-wire §1.8).
 */

export type RouteKind = 'api' | 'openai' | 'upload' | 'download' | 'live' | 'keypool' | 'unknown'

export interface Route {
  readonly kind: RouteKind
  /** `v1beta`, `v1` or `v1alpha`; empty for keypool's own routes. */
  readonly version: string
  /** The path with repeated leading slashes folded, no query. */
  readonly path: string
  /** The raw query string without `?`; empty when there is none. */
  readonly query: string
  /** The model named in the path, without `models/`; undefined when none is. */
  readonly model: string | undefined
  /** The method after `:` (`generateContent`), or the OpenAI route (`chat/completions`). */
  readonly verb: string | undefined
  readonly operation: Operation
  /** Whether the answer is a stream of events (Gemini stream, or maybe OpenAI with stream:true). */
  readonly isStream: boolean
}

const VERSIONS = new Set(['v1beta', 'v1', 'v1alpha'])

const OPERATION_OF_VERB: Record<string, Operation> = {
  generateContent: 'generate',
  streamGenerateContent: 'generate',
  embedContent: 'embed',
  batchEmbedContents: 'embed',
  countTokens: 'count',
}

const OPENAI_OPERATIONS: Record<string, Operation> = {
  'chat/completions': 'generate',
  embeddings: 'embed',
}

export function classifyRoute(rawUrl: string): Route {
  const queryAt = rawUrl.indexOf('?')
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1)
  const path = rawPath.replace(/^\/{2,}/, '/')
  const segments = path.split('/')
  const first = segments[1] ?? ''

  if (first === 'keypool' || path === '/metrics') return keypoolRoute(path, query)
  if (first === 'upload' || first === 'download') return transferRoute(first, path, query, segments)
  if (first === 'ws') return liveRoute(path, query)
  if (!VERSIONS.has(first)) return unknownRoute(path, query)
  if (segments[2] === 'openai') return openaiRoute(first, path, query, segments)
  return apiRoute(first, path, query, segments)
}

function apiRoute(version: string, path: string, query: string, segments: string[]): Route {
  const resource = segments.slice(2).join('/')
  const colon = resource.lastIndexOf(':')
  const verb = colon === -1 ? undefined : resource.slice(colon + 1)
  const name = colon === -1 ? resource : resource.slice(0, colon)
  const model = modelFromResource(name)
  const operation = (verb ? OPERATION_OF_VERB[verb] : undefined) ?? 'other'
  const isStream = verb === 'streamGenerateContent'
  return { kind: 'api', version, path, query, model, verb, operation, isStream }
}

/** `models/x` (not `models/x/operations/…`) and `tunedModels/x` name a model. */
function modelFromResource(name: string): string | undefined {
  const parts = name.split('/')
  if (parts.length !== 2 || !parts[1]) return undefined
  if (parts[0] === 'models') return decodeSegment(parts[1])
  if (parts[0] === 'tunedModels') return `tunedModels/${decodeSegment(parts[1])}`
  return undefined
}

/** A malformed escape (`%zz`) is kept as sent: the upstream answers it, keypool must not throw. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function openaiRoute(version: string, path: string, query: string, segments: string[]): Route {
  const verb = segments.slice(3).join('/')
  const operation = OPENAI_OPERATIONS[verb] ?? 'other'
  return {
    kind: 'openai',
    version,
    path,
    query,
    model: undefined,
    verb,
    operation,
    isStream: false,
  }
}

function transferRoute(first: string, path: string, query: string, segments: string[]): Route {
  const version = segments[2] ?? ''
  if (!VERSIONS.has(version)) return unknownRoute(path, query)
  const kind = first === 'upload' ? 'upload' : 'download'
  return {
    kind,
    version,
    path,
    query,
    model: undefined,
    verb: undefined,
    operation: 'other',
    isStream: false,
  }
}

function liveRoute(path: string, query: string): Route {
  const match = /GenerativeService\.(\w+)$/.exec(path)
  const version = /generativelanguage\.(v1\w*)\./.exec(path)?.[1] ?? ''
  return {
    kind: 'live',
    version,
    path,
    query,
    model: undefined,
    verb: match?.[1],
    operation: 'other',
    isStream: true,
  }
}

function keypoolRoute(path: string, query: string): Route {
  const base = { version: '', path, query, model: undefined, operation: 'other' as const }
  return { ...base, kind: 'keypool', verb: undefined, isStream: false }
}

function unknownRoute(path: string, query: string): Route {
  const base = { version: '', path, query, model: undefined, operation: 'other' as const }
  return { ...base, kind: 'unknown', verb: undefined, isStream: false }
}
