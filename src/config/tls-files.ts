import { accessSync, constants } from 'node:fs'
import { resolve } from 'node:path'
import type { RawIssue } from './errors.js'
import type { Config } from './schema.js'

/**
 * `server.tls` files, made absolute against the config file's folder (like `keyFile`) and
 * checked readable at load time, so that a wrong path fails the start, not the first client.
 */
export function resolveTlsFiles(
  server: Config['server'],
  baseDir: string,
): { server: Config['server']; issues: RawIssue[] } {
  if (!server.tls) return { server, issues: [] }
  const issues: RawIssue[] = []
  const tls = { cert: resolve(baseDir, server.tls.cert), key: resolve(baseDir, server.tls.key) }
  for (const field of ['cert', 'key'] as const) {
    try {
      accessSync(tls[field], constants.R_OK)
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : String(error)
      issues.push({
        path: ['server', 'tls', field],
        message: `cannot read ${tls[field]} (${code})`,
      })
    }
  }
  return { server: { ...server, tls }, issues }
}
