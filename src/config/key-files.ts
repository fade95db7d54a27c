import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { RawIssue } from './errors.js'
import type { KeyConfig } from './schema.js'

export interface KeyFilesResult {
  /** Every key with `key` filled in; `keyFile` is kept to say where it came from. */
  readonly keys: KeyConfig[]
  readonly issues: RawIssue[]
}

/**
 * Reads `keyFile:` secrets (Docker and Kubernetes mount them as files), relative to the config
 * file's folder. Read once at load time, so a missing file fails the start, not a request.
 */
export function readKeyFiles(keys: readonly KeyConfig[], baseDir: string): KeyFilesResult {
  const issues: RawIssue[] = []
  const resolved = keys.map((key, index) => {
    if (key.keyFile === undefined) return key
    const file = resolve(baseDir, key.keyFile)
    const path = ['keys', index, 'keyFile']

    let text: string
    try {
      text = readFileSync(file, 'utf8').trim()
    } catch (error) {
      issues.push({ path, message: `cannot read ${file} (${errorCode(error)})` })
      return key
    }
    if (text === '') issues.push({ path, message: `${file} is empty` })
    return { ...key, key: text }
  })
  return { keys: resolved, issues }
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code
  return String(error)
}
