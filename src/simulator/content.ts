import { randomBytes } from 'node:crypto'
import { seededRandom } from '../util/random.js'

/**
 * Deterministic content: the same prompt always gets the same answer and the same text always
 * gets the same embedding, so tests can compare results across keys, runs and processes.
 */

const WORDS = [
  'steady',
  'simulated',
  'answer',
  'quota',
  'window',
  'model',
  'token',
  'stream',
  'project',
  'minute',
  'request',
  'budget',
  'plain',
  'careful',
  'quiet',
  'river',
  'stone',
  'lantern',
  'harbor',
  'meadow',
  'signal',
  'ledger',
  'compass',
  'orbit',
  'thread',
  'garden',
  'bridge',
  'pattern',
  'echo',
  'summit',
  'valley',
  'morning',
]

/** FNV-1a over UTF-16 code units: fast, stable, good enough to seed a generator. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The model's answer to a prompt: a quote of its start, then 8 to 24 words chosen by its hash. */
export function answerText(prompt: string, model: string): string {
  const next = seededRandom(hashText(`${model}\u0000${prompt}`))
  const count = 8 + Math.floor(next() * 17)
  const words: string[] = []
  for (let i = 0; i < count; i++) words.push(WORDS[Math.floor(next() * WORDS.length)]!)
  const quote = prompt.replace(/\s+/g, ' ').trim().slice(0, 40)
  return `Simulated reply to "${quote}": ${words.join(' ')}.`
}

/** Splits text into at most `parts` pieces on word boundaries, so a stream can deliver it. */
export function splitText(text: string, parts: number): string[] {
  const words = text.split(/(?<= )/)
  const size = Math.ceil(words.length / Math.max(1, parts))
  const pieces: string[] = []
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(''))
  return pieces
}

/** A unit vector of `dimensions` values derived from the text's hash, rounded to 7 places. */
export function embeddingVector(text: string, dimensions: number): number[] {
  const next = seededRandom(hashText(text))
  const values = new Array<number>(dimensions)
  let norm = 0
  for (let i = 0; i < dimensions; i++) {
    const v = next() * 2 - 1
    values[i] = v
    norm += v * v
  }
  const scale = 1 / Math.sqrt(norm || 1)
  for (let i = 0; i < dimensions; i++) values[i] = Math.round(values[i]! * scale * 1e7) / 1e7
  return values
}

/** Opaque ids: a random prefix per simulator, then a counter, like Google's base64-ish ids. */
export class IdSource {
  readonly #prefix = randomBytes(6).toString('base64url')
  #next = 1

  responseId(): string {
    return `${this.#prefix}${(this.#next++).toString(36)}`
  }

  /** A lowercase resource id such as a file's `abc123xyz789`. */
  resourceId(): string {
    return randomBytes(9).toString('hex').slice(0, 12)
  }
}
