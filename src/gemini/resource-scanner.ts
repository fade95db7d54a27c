import { idEnd, PARTIAL, readQuotedValue, type AnswerLesson, type Found } from './resources.js'

/**
 * Reads the resource names an answer creates or lists as its bytes stream past, the way
 * `UsageScanner` reads usage: `"name": "files/abc"`, `"cachedContent": "cachedContents/x"`,
 * `"name": "models/veo/operations/o"`, and the `"id"` of a new interaction. A name cut between
 * two chunks is read once the next chunk arrives. No JSON parse: a list or a batch's inline
 * results may be large.
 */

const ROOTS = [
  'files',
  'cachedContents',
  'batches',
  'tunedModels',
  'auth_tokens',
  'fileSearchStores',
  'operations',
  'interactions',
].map((collection) => ({ collection, needle: Buffer.from(`"${collection}/`) }))
const MODELS = Buffer.from('"models/')
const OPERATIONS = Buffer.from('/operations/')
const ID_KEY = Buffer.from('"id"')
const BACKSLASH = 0x5c

/**
 * Bytes kept across a seam: the longest needle and the byte before it, so that a needle split
 * in two is still found, with what precedes it.
 */
const SEAM = Math.max(...ROOTS.map((root) => root.needle.length), ID_KEY.length) + 1
/** A name longer than this is not a name; its bytes are not kept waiting for an end. */
const MAX_PENDING = 1024
/** Names remembered from one answer (a list page holds at most a thousand). */
const MAX_NAMES = 10_000

export class ResourceScanner {
  readonly names = new Set<string>()
  readonly #lesson: Exclude<AnswerLesson, undefined>
  #pending: Buffer | undefined
  /** Bytes at the start of the next buffer already scanned whole (the kept seam). */
  #scanned = 0
  #sawId = false

  constructor(lesson: Exclude<AnswerLesson, undefined>) {
    this.#lesson = lesson
  }

  scan(chunk: Buffer): void {
    if (this.names.size >= MAX_NAMES) return
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk
    let partialAt = Infinity
    for (const { collection, needle } of ROOTS) {
      partialAt = Math.min(
        partialAt,
        this.#each(buffer, needle, (at) => rootName(buffer, at, collection)),
      )
    }
    partialAt = Math.min(
      partialAt,
      this.#each(buffer, MODELS, (at) => operationName(buffer, at)),
    )
    if (this.#lesson === 'interaction' && !this.#sawId) {
      partialAt = Math.min(partialAt, this.#interactionId(buffer))
    }
    this.#keep(buffer, partialAt)
  }

  /** Reads every `needle` in `buffer`; returns where the first name cut by the end starts. */
  #each(buffer: Buffer, needle: Buffer, read: (at: number) => Found): number {
    for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, at + 1)) {
      // A needle wholly inside the kept seam was read last time.
      if (at + needle.length <= this.#scanned) continue
      // `\"files/x\"` is text inside a string (a model's answer quoting a name), not a field.
      if (at > 0 && buffer[at - 1] === BACKSLASH) continue
      const found = read(at + needle.length)
      if (found === PARTIAL) return at
      if (found !== undefined) this.names.add(found)
    }
    return Infinity
  }

  #interactionId(buffer: Buffer): number {
    const at = buffer.indexOf(ID_KEY)
    if (at === -1) return Infinity
    const id = readQuotedValue(buffer, at + ID_KEY.length)
    if (id === PARTIAL) return at
    this.#sawId = true
    if (id !== undefined) this.names.add(`interactions/${id}`)
    return Infinity
  }

  #keep(buffer: Buffer, partialAt: number): void {
    if (Number.isFinite(partialAt) && buffer.length - partialAt <= MAX_PENDING) {
      // One byte more: the byte before a name tells a field from an escaped quote in text.
      this.#pending = Buffer.from(buffer.subarray(Math.max(0, partialAt - 1)))
      this.#scanned = 0
      return
    }
    // A copy: the chunk's memory belongs to the stream and must not be held by a view.
    this.#pending = Buffer.from(buffer.subarray(Math.max(0, buffer.length - SEAM)))
    this.#scanned = this.#pending.length
  }
}

/** `collection/id` with `from` just past `"collection/`. */
function rootName(buffer: Buffer, from: number, collection: string): Found {
  const end = idEnd(buffer, from)
  if (end === undefined) return PARTIAL
  return end === from ? undefined : `${collection}/${buffer.toString('latin1', from, end)}`
}

/** `models/m/operations/o` with `from` just past `"models/`; plain model names are not pinned. */
function operationName(buffer: Buffer, from: number): Found {
  const modelEnd = idEnd(buffer, from)
  if (modelEnd === undefined) return PARTIAL
  if (modelEnd === from) return undefined
  // Model names hold dots (`gemini-2.5-flash`), which ids do not: skip to the next slash.
  let slash = modelEnd
  while (slash < buffer.length && buffer[slash] !== 0x2f && buffer[slash] !== 0x22) slash++
  if (buffer.length - slash < OPERATIONS.length)
    return buffer.length - from > 128 ? undefined : PARTIAL
  if (!buffer.subarray(slash, slash + OPERATIONS.length).equals(OPERATIONS)) return undefined
  const opFrom = slash + OPERATIONS.length
  const opEnd = idEnd(buffer, opFrom)
  if (opEnd === undefined) return PARTIAL
  if (opEnd === opFrom) return undefined
  const model = buffer.toString('latin1', from, slash)
  return `models/${model}/operations/${buffer.toString('latin1', opFrom, opEnd)}`
}
