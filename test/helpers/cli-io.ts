import { Writable } from 'node:stream'
import type { CommandIO } from '../../src/cli/io.js'

/** A CommandIO whose streams collect text in memory, for running commands in tests. */
export interface MemoryIO extends CommandIO {
  readonly out: () => string
  readonly err: () => string
}

export function memoryIO(env: NodeJS.ProcessEnv = {}): MemoryIO {
  const collect = () => {
    const chunks: string[] = []
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(chunk.toString())
        done()
      },
    })
    return { stream, text: () => chunks.join('') }
  }
  const stdout = collect()
  const stderr = collect()
  return { stdout: stdout.stream, stderr: stderr.stream, env, out: stdout.text, err: stderr.text }
}
