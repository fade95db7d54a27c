import { ByteSink } from './byte-sink.js'

/**
 * A streaming reader for the legacy multipart upload of @google/generative-ai 0.24.1
 * (gemini-wire.md section 1.4): part one is the JSON metadata, part two the bytes, then the
 * closing boundary. Only the head is buffered; the bytes flow into a ByteSink.
 */

const MAX_HEAD = 1024 * 1024
const HEADERS_END = Buffer.from('\r\n\r\n')

export interface MultipartResult {
  metadataJson: string
  sink: ByteSink
}

export class MultipartReader {
  readonly #delimiter: Buffer
  readonly sink = new ByteSink()
  #head: Buffer | null = Buffer.alloc(0)
  #metadataJson = ''
  /** The last bytes seen, held back because they may be the closing boundary. */
  #tail = Buffer.alloc(0)
  readonly #tailSize: number

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`)
    this.#tailSize = this.#delimiter.length + 4
  }

  /** Feeds a chunk; returns an error text when the head is malformed. */
  push(chunk: Buffer): string | null {
    if (this.#head === null) {
      this.#feedData(chunk)
      return null
    }
    this.#head = Buffer.concat([this.#head, chunk])
    if (this.#head.length > MAX_HEAD) return 'multipart head too large'
    return this.#tryParseHead()
  }

  finish(): MultipartResult | string {
    if (this.#head !== null) return 'multipart body ended before the file part'
    const end = this.#tail.indexOf(this.#delimiter)
    this.sink.push(end >= 0 ? this.#tail.subarray(0, end) : this.#tail)
    return { metadataJson: this.#metadataJson, sink: this.sink }
  }

  #tryParseHead(): string | null {
    const head = this.#head!
    // Layout: --b CRLF headers CRLF CRLF json CRLF --b CRLF headers CRLF CRLF data
    const firstHeaders = head.indexOf(HEADERS_END)
    if (firstHeaders < 0) return null
    const jsonStart = firstHeaders + HEADERS_END.length
    const jsonEnd = head.indexOf(this.#delimiter, jsonStart)
    if (jsonEnd < 0) return null
    const dataHeaders = head.indexOf(HEADERS_END, jsonEnd + this.#delimiter.length)
    if (dataHeaders < 0) return null
    this.#metadataJson = head.subarray(jsonStart, jsonEnd).toString('utf8')
    this.#head = null
    this.#feedData(head.subarray(dataHeaders + HEADERS_END.length))
    return null
  }

  #feedData(chunk: Buffer): void {
    if (chunk.length >= this.#tailSize) {
      this.sink.push(this.#tail)
      this.sink.push(chunk.subarray(0, chunk.length - this.#tailSize))
      this.#tail = Buffer.from(chunk.subarray(chunk.length - this.#tailSize))
      return
    }
    const joined = Buffer.concat([this.#tail, chunk])
    const spill = Math.max(0, joined.length - this.#tailSize)
    this.sink.push(joined.subarray(0, spill))
    this.#tail = joined.subarray(spill)
  }
}
