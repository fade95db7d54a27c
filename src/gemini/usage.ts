/**
 * Reads token usage from answer bytes as they stream past, without parsing the JSON: Gemini's
 * `usageMetadata` (running totals in streams: the last value wins, a chunk without usage does
 * not reset it; gemini-wire §4.5) or the OpenAI routes' `usage`, as the dialect says. Keys
 * split across two chunks are caught by scanning the seam, unless the first chunk ended a line
 * (SSE events usually do).
 */

export interface Usage {
  prompt: number | undefined
  output: number | undefined
  thoughts: number | undefined
  cached: number | undefined
}

type Field = keyof Usage

/** Gemini's own routes, or the OpenAI-compatible ones: they name usage and ends differently. */
export type UsageDialect = 'gemini' | 'openai'

interface Markers {
  /**
   * Every usage key Gemini sends ends in `TokenCount"` and every OpenAI one in `_tokens"`: one
   * search for the ending finds them all, and the name before it says which field it is.
   */
  readonly ending: Buffer
  readonly endingText: string
  /** Gemini's last event names a finishReason; an OpenAI stream ends with `[DONE]`. */
  readonly finish: Buffer
  /** All three as one expression, for short chunks; the ending alone for unary answers. */
  readonly streamPattern: RegExp
  readonly unaryPattern: RegExp
}

const ERROR_TEXT = '"error"'
const ERROR = Buffer.from(ERROR_TEXT)

/** One dialect's markers only: the other's were two more passes over every chunk (profiled). */
const MARKERS: Record<UsageDialect, Markers> = {
  gemini: markers('TokenCount"', '"finishReason"'),
  openai: markers('_tokens"', 'data: [DONE]'),
}

function markers(ending: string, finish: string): Markers {
  const pattern = (texts: string[]) =>
    new RegExp(texts.map((text) => text.replace(/[[\]]/g, '\\$&')).join('|'), 'g')
  return {
    ending: Buffer.from(ending),
    endingText: ending,
    finish: Buffer.from(finish),
    streamPattern: pattern([ending, finish, ERROR_TEXT]),
    unaryPattern: pattern([ending]),
  }
}

/**
 * Chunks up to this size are searched as latin1 text with one regular expression, which finds
 * every marker in one pass of JavaScript; longer ones get a native search per marker. Each
 * `Buffer.indexOf` costs a call into C++ (about 0.2 µs): on a 300-byte SSE event the six it
 * took cost 1.2 µs against 0.45 µs for the expression, while on 50 KB the expression, which
 * tries every position, is ten times slower. Latin1 keeps every offset a byte offset.
 */
const SHORT_CHUNK = 1024

/**
 * The names before an ending that are usage fields, as bytes: comparing them in place costs no
 * call into native code, where a `lastIndexOf` and a string per key were half of a stream's
 * scan (`npm run bench`, profiled).
 */
const NAMED_FIELDS: readonly { name: Buffer; field: Field }[] = [
  { name: Buffer.from('prompt'), field: 'prompt' },
  { name: Buffer.from('candidates'), field: 'output' },
  { name: Buffer.from('thoughts'), field: 'thoughts' },
  { name: Buffer.from('cachedContent'), field: 'cached' },
  { name: Buffer.from('completion'), field: 'output' },
]

/** Longest key plus room for `": 123456789`. */
const SEAM = 48
const QUOTE = 0x22
const NEWLINE = 0x0a
const COLON = 0x3a
const SPACE = 0x20
const ZERO = 0x30
const NINE = 0x39

/** Where a chunk's head and the previous chunk's tail meet; used synchronously, so shared. */
const seamBuffer = Buffer.allocUnsafe(2 * SEAM)

export class UsageScanner implements Usage {
  prompt: number | undefined
  output: number | undefined
  thoughts: number | undefined
  cached: number | undefined
  /** Whether any event carried a `finishReason`: a stream without one was cut short. */
  finished = false
  /** Whether an `{"error":…}` object appeared in the bytes (an error tail after a 200). */
  errored = false
  /** A unary answer is whole when undici says so: only its usage is read. */
  readonly #isStream: boolean
  readonly #markers: Markers
  readonly #pattern: RegExp
  #tail: Buffer | undefined

  constructor(isStream = true, dialect: UsageDialect = 'gemini') {
    this.#isStream = isStream
    this.#markers = MARKERS[dialect]
    this.#pattern = isStream ? this.#markers.streamPattern : this.#markers.unaryPattern
  }

  scan(chunk: Buffer): void {
    const tail = this.#tail
    // Keys, numbers and end markers never hold a line break: after one, nothing straddles.
    if (tail && tail[tail.length - 1] !== NEWLINE) {
      this.#scanBuffer(this.#seam(tail, chunk), tail.length)
    }
    this.#scanBuffer(chunk, Infinity)
    this.#tail =
      chunk.length >= SEAM || !tail
        ? chunk.subarray(Math.max(0, chunk.length - SEAM))
        : Buffer.concat([tail, chunk]).subarray(-SEAM)
  }

  get hasUsage(): boolean {
    return this.prompt !== undefined || this.output !== undefined
  }

  /** The tail of the chunks before and the head of this one, in the shared seam buffer. */
  #seam(tail: Buffer, chunk: Buffer): Buffer {
    tail.copy(seamBuffer, 0)
    const headLength = chunk.copy(seamBuffer, tail.length, 0, SEAM)
    return seamBuffer.subarray(0, tail.length + headLength)
  }

  /** Reads every key that starts before `startsBefore` (the seam's old tail). */
  #scanBuffer(buffer: Buffer, startsBefore: number): void {
    if (buffer.length <= SHORT_CHUNK) this.#scanText(buffer, startsBefore)
    else this.#scanBytes(buffer, startsBefore)
  }

  #scanText(buffer: Buffer, startsBefore: number): void {
    const text = buffer.toString('latin1')
    const { endingText } = this.#markers
    // Shared between scanners, safe: each scan runs to the end synchronously.
    const pattern = this.#pattern
    pattern.lastIndex = 0
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const [marker] = match
      const at = match.index
      if (marker === endingText) this.#readKey(buffer, at, marker.length, startsBefore)
      else if (at >= startsBefore) continue
      else if (marker === ERROR_TEXT) this.errored = true
      else this.finished = true
    }
  }

  #scanBytes(buffer: Buffer, startsBefore: number): void {
    const { ending, finish } = this.#markers
    if (this.#isStream) {
      if (!this.finished) this.finished = hasKey(buffer, finish, startsBefore)
      if (!this.errored) this.errored = hasKey(buffer, ERROR, startsBefore)
    }
    let at = buffer.indexOf(ending)
    while (at !== -1) {
      this.#readKey(buffer, at, ending.length, startsBefore)
      at = buffer.indexOf(ending, at + ending.length)
    }
  }

  /** The key whose ending is at `at`: its value, if it is a usage field starting in range. */
  #readKey(buffer: Buffer, at: number, endingLength: number, startsBefore: number): void {
    const field = fieldEndingAt(buffer, at, startsBefore)
    if (field === undefined) return
    const value = readNumber(buffer, at + endingLength)
    if (value !== undefined) this[field] = value
  }
}

/** The usage field whose quoted name ends at `end`, if its quote comes before `startsBefore`. */
function fieldEndingAt(buffer: Buffer, end: number, startsBefore: number): Field | undefined {
  for (const { name, field } of NAMED_FIELDS) {
    const quote = end - name.length - 1
    if (quote < 0 || quote >= startsBefore || buffer[quote] !== QUOTE) continue
    if (sameBytes(buffer, quote + 1, name)) return field
  }
  return undefined
}

function sameBytes(buffer: Buffer, from: number, bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (buffer[from + i] !== bytes[i]) return false
  }
  return true
}

/** The integer after `:` and spaces at `from`, or undefined if the buffer ends inside it. */
function readNumber(buffer: Buffer, from: number): number | undefined {
  let i = from
  while (i < buffer.length && (buffer[i] === SPACE || buffer[i] === COLON)) i++
  let value = 0
  let digits = 0
  while (i < buffer.length && buffer[i]! >= ZERO && buffer[i]! <= NINE) {
    value = value * 10 + buffer[i]! - ZERO
    digits++
    i++
  }
  if (digits === 0 || i >= buffer.length) return undefined
  return value
}

function hasKey(buffer: Buffer, needle: Buffer, startsBefore: number): boolean {
  const at = buffer.indexOf(needle)
  return at !== -1 && at < startsBefore
}
