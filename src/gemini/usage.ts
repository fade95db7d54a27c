/**
 * Reads token usage from answer bytes as they stream past, without parsing the JSON: Gemini's
 * `usageMetadata` (running totals in streams: the last value wins, a chunk without usage does
 * not reset it; gemini-wire §4.5) and the OpenAI routes' `usage`. Keys split across two chunks
 * are caught by scanning the seam, unless the first chunk ended a line (SSE events usually do).
 */

export interface Usage {
  prompt: number | undefined
  output: number | undefined
  thoughts: number | undefined
  cached: number | undefined
}

type Field = keyof Usage

/**
 * Every usage key Gemini sends ends in `TokenCount"` and every OpenAI one in `_tokens"`: one
 * search for each ending finds them all, and the name before it says which field it is. One
 * search per field cost four more passes over every chunk (`npm run bench`, profiled).
 */
const ENDINGS = [Buffer.from('TokenCount"'), Buffer.from('_tokens"')]
const FIELD_OF_NAME = new Map<string, Field>([
  ['prompt', 'prompt'],
  ['candidates', 'output'],
  ['thoughts', 'thoughts'],
  ['cachedContent', 'cached'],
  ['completion', 'output'],
])
/** Longest name before an ending (`cachedContent`). */
const LONGEST_NAME = 13

/** Gemini's last event names a finishReason; an OpenAI stream ends with `[DONE]`. */
const FINISH = [Buffer.from('"finishReason"'), Buffer.from('data: [DONE]')]
const ERROR = Buffer.from('"error"')

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
  #tail: Buffer | undefined

  constructor(isStream = true) {
    this.#isStream = isStream
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
    if (this.#isStream) {
      if (!this.finished) this.finished = FINISH.some((k) => hasKey(buffer, k, startsBefore))
      if (!this.errored) this.errored = hasKey(buffer, ERROR, startsBefore)
    }
    for (const ending of ENDINGS) {
      let at = buffer.indexOf(ending)
      while (at !== -1) {
        this.#readKey(buffer, at, ending.length, startsBefore)
        at = buffer.indexOf(ending, at + ending.length)
      }
    }
  }

  /** The key whose ending is at `at`: its value, if it is a usage field starting in range. */
  #readKey(buffer: Buffer, at: number, endingLength: number, startsBefore: number): void {
    const quote = buffer.lastIndexOf(QUOTE, at - 1)
    if (quote === -1 || quote >= startsBefore || at - quote - 1 > LONGEST_NAME) return
    const field = FIELD_OF_NAME.get(buffer.toString('latin1', quote + 1, at))
    if (field === undefined) return
    const value = readNumber(buffer, at + endingLength)
    if (value !== undefined) this[field] = value
  }
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
