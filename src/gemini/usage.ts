/**
 * Reads token usage from answer bytes as they stream past, without parsing the JSON: Gemini's
 * `usageMetadata` (running totals in streams: the last value wins, a chunk without usage does
 * not reset it; gemini-wire §4.5) and the OpenAI routes' `usage`. Keys split across two chunks
 * are caught by scanning the seam.
 */

export interface Usage {
  prompt: number | undefined
  output: number | undefined
  thoughts: number | undefined
  cached: number | undefined
}

type Field = keyof Usage

const FIELDS: ReadonlyArray<readonly [Buffer, Field]> = [
  [Buffer.from('"promptTokenCount"'), 'prompt'],
  [Buffer.from('"candidatesTokenCount"'), 'output'],
  [Buffer.from('"thoughtsTokenCount"'), 'thoughts'],
  [Buffer.from('"cachedContentTokenCount"'), 'cached'],
  [Buffer.from('"prompt_tokens"'), 'prompt'],
  [Buffer.from('"completion_tokens"'), 'output'],
]

/** Gemini's last event names a finishReason; an OpenAI stream ends with `[DONE]`. */
const FINISH = [Buffer.from('"finishReason"'), Buffer.from('data: [DONE]')]
const ERROR = Buffer.from('"error"')

/** Longest key plus room for `": 123456789`. */
const SEAM = 48
const COLON = 0x3a
const SPACE = 0x20
const ZERO = 0x30
const NINE = 0x39

export class UsageScanner implements Usage {
  prompt: number | undefined
  output: number | undefined
  thoughts: number | undefined
  cached: number | undefined
  /** Whether any event carried a `finishReason`: a stream without one was cut short. */
  finished = false
  /** Whether an `{"error":…}` object appeared in the bytes (an error tail after a 200). */
  errored = false
  #tail: Buffer | undefined

  scan(chunk: Buffer): void {
    const tail = this.#tail
    if (tail) this.#scanBuffer(Buffer.concat([tail, chunk.subarray(0, SEAM)]), tail.length)
    this.#scanBuffer(chunk, Infinity)
    this.#tail =
      chunk.length >= SEAM || !tail
        ? chunk.subarray(Math.max(0, chunk.length - SEAM))
        : Buffer.concat([tail, chunk]).subarray(-SEAM)
  }

  get hasUsage(): boolean {
    return this.prompt !== undefined || this.output !== undefined
  }

  /** Reads every key that starts before `startsBefore` (the seam's old tail). */
  #scanBuffer(buffer: Buffer, startsBefore: number): void {
    if (!this.finished) this.finished = FINISH.some((k) => hasKey(buffer, k, startsBefore))
    if (!this.errored) this.errored = hasKey(buffer, ERROR, startsBefore)
    for (const [needle, field] of FIELDS) {
      let at = buffer.indexOf(needle)
      while (at !== -1) {
        if (at >= startsBefore) break
        const value = readNumber(buffer, at + needle.length)
        if (value !== undefined) this[field] = value
        at = buffer.indexOf(needle, at + needle.length)
      }
    }
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
