import type { Route } from './route.js'

/**
 * Names of project-scoped resources (gemini-wire §5): `files/abc`, `cachedContents/x`,
 * `batches/b`, `tunedModels/t`, `interactions/i`, `auth_tokens/a`, `fileSearchStores/s`,
 * `operations/o` and `models/m/operations/o`. A name is what keypool pins to a project; deeper
 * paths (`fileSearchStores/s/operations/o`, `tunedModels/t/permissions/p`) pin by their root.
 * Everything here reads bytes with indexOf, never a JSON parse: bodies may be 100 MB.
 */

/** The collections whose items live in the project that created them. */
export const COLLECTIONS: ReadonlySet<string> = new Set([
  'files',
  'cachedContents',
  'batches',
  'tunedModels',
  'interactions',
  'auth_tokens',
  'fileSearchStores',
  'operations',
])

/** Verbs whose answer names a new operation or batch (`models/m:batchGenerateContent`). */
const CREATING_VERBS: ReadonlySet<string> = new Set([
  'batchGenerateContent',
  'asyncBatchEmbedContent',
  'predictLongRunning',
  'importFile',
  'uploadToFileSearchStore',
])

/** Verbs whose request body may name files, caches or interactions. */
const NAMING_VERBS: ReadonlySet<string> = new Set([
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'embedContent',
  'batchEmbedContents',
  'batchGenerateContent',
  'asyncBatchEmbedContent',
  'importFile',
  'updateGenerateContentBatch',
  'updateEmbedContentBatch',
])

/** Collections whose create or update bodies may name files (a cache's contents, a batch). */
const NAMING_COLLECTIONS: ReadonlySet<string> = new Set([
  'cachedContents',
  'interactions',
  'batches',
  'fileSearchStores',
])

const LONGEST_ID = 256

/** `A-Z a-z 0-9 - _`: Google's resource ids. */
export function isIdByte(byte: number): boolean {
  return (
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x5f
  )
}

/** The resource the path names, if any: `/v1beta/files/abc:download` → `files/abc`. */
export function resourceInPath(route: Route): string | undefined {
  return route.resource
}

/** The resource path segments after the version name: `files`, `abc:download` → `files/abc`. */
export function resourceNamedBy(segments: readonly string[]): string | undefined {
  const [first, second, third, fourth] = segments.map(withoutVerb)
  if (!first || !second) return undefined
  if (COLLECTIONS.has(first)) return `${first}/${second}`
  if (first === 'models' && third === 'operations' && fourth) {
    return `models/${second}/operations/${fourth}`
  }
  return undefined
}

function withoutVerb(segment: string): string {
  const colon = segment.indexOf(':')
  return colon === -1 ? segment : segment.slice(0, colon)
}

/** Whether a call's held body may name resources, so that it is worth a scan. */
export function bodyMayNameResources(route: Route, method: string | undefined): boolean {
  if (route.kind !== 'api' || (method !== 'POST' && method !== 'PATCH')) return false
  if (route.verb !== undefined && NAMING_VERBS.has(route.verb)) return true
  const first = route.path.split('/')[2] ?? ''
  return NAMING_COLLECTIONS.has(first)
}

/** How a successful answer teaches names: `names` scans `"files/…"`, `interaction` its id. */
export type AnswerLesson = 'names' | 'interaction' | undefined

/** Whether a call's answer may name resources worth pinning (creates, gets, lists, uploads). */
export function lessonOfAnswer(route: Route, method: string | undefined): AnswerLesson {
  if (route.kind === 'upload') return 'names'
  if (route.kind !== 'api') return undefined
  if (route.verb === 'download') return undefined
  if (isModelCall(route)) return undefined
  const segments = route.path.split('/')
  const first = withoutVerb(segments[2] ?? '')
  if (first === 'interactions' && segments.length === 3 && method === 'POST') return 'interaction'
  if (COLLECTIONS.has(first)) return 'names'
  if (route.verb !== undefined && CREATING_VERBS.has(route.verb)) return 'names'
  return first === 'models' && segments[4] === 'operations' ? 'names' : undefined
}

/**
 * `models/x:generateContent` and the like, the calls nearly all traffic is: their answers name
 * no resource, and telling so from the route spares splitting the path (1 µs a call, profiled).
 */
function isModelCall(route: Route): boolean {
  const { model, verb } = route
  if (model === undefined || verb === undefined || model.includes('/')) return false
  // `models/a:b/operations/c` puts the rest of the path after the colon: not a model call.
  return !verb.includes('/') && !CREATING_VERBS.has(verb)
}

/**
 * Collections a request body may name: `files/x` after a quote or a slash (a file URI). Every
 * one ends in `s`, so one search for `s/` finds them all; a search per collection cost four
 * more passes over bodies that may hold megabytes of inline data.
 */
const BODY_COLLECTIONS = [
  'files',
  'cachedContents',
  'batches',
  'tunedModels',
  'fileSearchStores',
].map((collection) => ({ collection, bytes: Buffer.from(collection) }))
const COLLECTION_END = Buffer.from('s/')
/** Keys whose value is an interaction id (`previous_interaction_id` in either case style). */
const INTERACTION_START = Buffer.from('"previous')
const INTERACTION_KEYS = [
  Buffer.from('"previous_interaction_id"'),
  Buffer.from('"previousInteractionId"'),
]
const QUOTE = 0x22
const SLASH = 0x2f

/**
 * The resource names a held request body mentions: `fileData.fileUri` (a URI ending in
 * `files/x`), `cachedContent`, a batch's `fileName`, a tuned model, a previous interaction.
 * At most `max` names: a body listing thousands is not routed by all of them.
 */
export function namesInBody(body: Buffer, max = 1000): string[] {
  const names = new Set<string>()
  // Most bodies hold no slash at all. A search for the one byte is a memchr (0.1 µs for 8 KB
  // of prose); the search for `s/` stops at every `s` (3.4 µs). It starts from the first slash.
  const firstSlash = body.indexOf(SLASH)
  let at = firstSlash === -1 ? -1 : body.indexOf(COLLECTION_END, Math.max(0, firstSlash - 1))
  while (at !== -1 && names.size < max) {
    const collection = collectionEndingAt(body, at + 1)
    const id = collection === undefined ? undefined : readId(body, at + COLLECTION_END.length)
    if (id) names.add(`${collection}/${id}`)
    at = body.indexOf(COLLECTION_END, at + 1)
  }
  if (names.size >= max) return [...names]
  for (let at = body.indexOf(INTERACTION_START); at !== -1;) {
    const key = INTERACTION_KEYS.find((k) => body.compare(k, 0, k.length, at, at + k.length) === 0)
    const id = key ? readQuotedValue(body, at + key.length) : undefined
    if (typeof id === 'string') names.add(`interactions/${id}`)
    at = body.indexOf(INTERACTION_START, at + 1)
  }
  return [...names]
}

/** The collection whose name ends just before `end`, after a quote or a slash. */
function collectionEndingAt(body: Buffer, end: number): string | undefined {
  for (const { collection, bytes } of BODY_COLLECTIONS) {
    const start = end - bytes.length
    if (start < 1 || body.compare(bytes, 0, bytes.length, start, end) !== 0) continue
    const before = body[start - 1]
    return before === QUOTE || before === SLASH ? collection : undefined
  }
  return undefined
}

/** The id at `from`; undefined when there is none or the bytes end inside it. */
function readId(buffer: Buffer, from: number): string | undefined {
  const end = idEnd(buffer, from)
  if (end === undefined || end === from) return undefined
  return buffer.toString('latin1', from, end)
}

/** Where the id starting at `from` ends; undefined when the buffer ends first (or it is huge). */
export function idEnd(buffer: Buffer, from: number): number | undefined {
  let i = from
  while (i < buffer.length && isIdByte(buffer[i]!)) {
    if (i - from > LONGEST_ID) return from
    i++
  }
  return i < buffer.length ? i : undefined
}

/** A name the buffer ends inside of: the next chunk completes it. */
export const PARTIAL = Symbol('partial')

/** A name read from bytes, or PARTIAL, or undefined when there is none. */
export type Found = string | typeof PARTIAL | undefined

/**
 * The string value after a JSON key (`: "v1_abc"`), read at `from` just past the key.
 * PARTIAL when the buffer ends before the value does; undefined when no id value follows.
 */
export function readQuotedValue(buffer: Buffer, from: number): Found {
  let i = from
  while (i < buffer.length && (buffer[i] === 0x20 || buffer[i] === 0x3a || buffer[i] === 0x0a)) i++
  if (i >= buffer.length) return PARTIAL
  if (buffer[i] !== QUOTE) return undefined
  const end = idEnd(buffer, i + 1)
  if (end === undefined) return PARTIAL
  if (end === i + 1 || buffer[end] !== QUOTE) return undefined
  return buffer.toString('latin1', i + 1, end)
}
