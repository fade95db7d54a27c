import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { crossCheck } from './cross-check.js'
import { substituteEnv } from './env.js'
import { ConfigError, formatPath, type ConfigIssue, type RawIssue } from './errors.js'
import { fromZod, yamlErrorMap } from './issues.js'
import { readKeyFiles } from './key-files.js'
import { removeNotBuilt } from './not-built.js'
import { resolveTlsFiles } from './tls-files.js'
import { configSchema, type Config } from './schema.js'
import { parseYamlSource, type YamlSource } from './yaml-source.js'

export interface LoadOptions {
  /** Variables for `${VAR}`; process.env when absent. */
  readonly env?: NodeJS.ProcessEnv
  /** Replaces server.listen (the `--listen` flag) and is checked like it. */
  readonly listen?: string
}

export interface ParseOptions extends LoadOptions {
  /** Names the text in messages, usually the file's path as the user gave it. */
  readonly source: string
  /** The folder `keyFile` paths are relative to; the current folder when absent. */
  readonly baseDir?: string
}

/** Where the config is looked for without `--config` or `$KEYPOOL_CONFIG` (design section 2). */
export const DEFAULT_CONFIG_PATH = 'config/keypool.yaml'

/** `--config`, else `$KEYPOOL_CONFIG`, else `config/keypool.yaml`; empty counts as unset. */
export function resolveConfigPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag
  const fromEnv = env.KEYPOOL_CONFIG
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  return DEFAULT_CONFIG_PATH
}

/** Reads, checks and resolves a config file; throws a ConfigError listing every problem. */
export async function loadConfigFile(path: string, options: LoadOptions = {}): Promise<Config> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: unreadable(error) }])
  }
  return parseConfigText(text, { ...options, source: path, baseDir: dirname(resolve(path)) })
}

/**
 * The whole pipeline: YAML, `${ENV}`, not-built options, the schema (defaults and units),
 * cross-checks and key files. The result is deeply frozen and every key has `key` filled in.
 */
export function parseConfigText(text: string, options: ParseOptions): Config {
  const yaml = parseYamlSource(text)
  if (yaml.issues.length > 0) throw new ConfigError(options.source, yaml.issues)
  const fail = (issues: RawIssue[]): ConfigError =>
    new ConfigError(options.source, locate(issues, yaml, options.listen !== undefined))

  const envIssues = substituteEnv(yaml.doc, options.env ?? process.env)
  const raw: unknown = yaml.doc.toJS()
  if (raw === null || raw === undefined) {
    throw fail([{ path: [], message: 'the file is empty; see config/keypool.example.yaml' }])
  }
  if (options.listen !== undefined) overrideListen(raw, options.listen)

  const early = [...envIssues, ...removeNotBuilt(raw)]
  const parsed = configSchema.safeParse(raw, { error: yamlErrorMap })
  if (!parsed.success) {
    // A value whose variable is missing is still `${VAR}`; what the schema says of it is noise.
    const unset = new Set(envIssues.map((issue) => formatPath(issue.path)))
    const schemaIssues = fromZod(parsed.error, configSchema)
    throw fail([...early, ...schemaIssues.filter((issue) => !unset.has(formatPath(issue.path)))])
  }

  const keyFiles = readKeyFiles(parsed.data.keys, options.baseDir ?? process.cwd())
  const tls = resolveTlsFiles(parsed.data.server, options.baseDir ?? process.cwd())
  const issues = [...early, ...crossCheck(parsed.data), ...keyFiles.issues, ...tls.issues]
  if (issues.length > 0) throw fail(issues)
  return deepFreeze({ ...parsed.data, server: tls.server, keys: keyFiles.keys })
}

/** Issues with their path and line, in file order (issues with no line last). */
function locate(issues: RawIssue[], yaml: YamlSource, isListenOverridden: boolean): ConfigIssue[] {
  const located = issues.map((issue): ConfigIssue => {
    const path = formatPath(issue.path)
    if (isListenOverridden && path === 'server.listen') {
      return { path: 'server.listen (from --listen)', message: issue.message }
    }
    return { path, line: yaml.lineOf(issue.path), message: issue.message }
  })
  return located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))
}

function overrideListen(raw: unknown, listen: string): void {
  if (!isRecord(raw)) return
  raw.server = { ...(isRecord(raw.server) ? raw.server : {}), listen }
}

function unreadable(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : String(error)
  if (code !== 'ENOENT') return `cannot read the config file (${code})`
  return (
    'no such file; name one with --config FILE or $KEYPOOL_CONFIG ' +
    '(config/keypool.sim.yaml runs against keypool mock-upstream with no Google key)'
  )
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  for (const child of Object.values(value)) deepFreeze(child)
  return Object.freeze(value)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
