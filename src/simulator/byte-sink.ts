import { createHash } from 'node:crypto'

/**
 * Where uploaded bytes go: counted, and kept only while they fit in a small budget. Uploads may
 * be 2 GB (gemini-wire.md section 1.4), so the simulator never holds a whole large file.
 */
export const KEEP_BYTES = 64 * 1024

/** `sha256Hash` as Google writes it: base64 of the hex digest. */
export function sha256HashOf(...pieces: Array<Buffer | string>): string {
  const hash = createHash('sha256')
  for (const piece of pieces) hash.update(piece)
  return Buffer.from(hash.digest('hex')).toString('base64')
}

export class ByteSink {
  #held: Buffer[] = []
  #heldBytes = 0
  #size = 0
  #isWhole = true

  get size(): number {
    return this.#size
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.#size += chunk.length
    if (!this.#isWhole) return
    if (this.#heldBytes + chunk.length > KEEP_BYTES) {
      this.#isWhole = false
      this.#held = [Buffer.concat(this.#held).subarray(0, Math.min(this.#heldBytes, 1024))]
      return
    }
    this.#held.push(chunk)
    this.#heldBytes += chunk.length
  }

  /** The whole content, or null when it outgrew the budget. */
  bytes(): Buffer | null {
    return this.#isWhole ? Buffer.concat(this.#held) : null
  }

  /**
   * The file's `sha256Hash`. For files too large to keep it hashes the first KiB and the size
   * instead: stable, but not the true digest, and no 2 GB of hashing on the simulator's CPU.
   */
  sha256Hash(): string {
    return this.#isWhole
      ? sha256HashOf(...this.#held)
      : sha256HashOf(...this.#held, `:${this.#size}`)
  }
}
