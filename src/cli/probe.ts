import type { Dispatcher } from 'undici'
import type { Config, KeyConfig } from '../config/schema.js'
import {
  classifyUpstreamError,
  parseGoogleError,
  projectNumberOf,
} from '../gemini/upstream-error.js'
import { createUpstreamDispatcher } from '../upstream/dispatcher.js'
import type { CommandIO } from './io.js'

/** The free call each key is sent: it lists one model and costs no quota. */
const PROBE_PATH = '/v1beta/models?pageSize=1'
const DEFAULT_CONCURRENCY = 8
const DEFAULT_TIMEOUT_MS = 15_000

export interface ProbeOptions {
  /** Upstream connections; made from `server` settings (and closed after) when absent. */
  readonly dispatcher?: Dispatcher
  /** Keys probed at the same time. */
  readonly concurrency?: number
  readonly timeoutMs?: number
}

/**
 * What a key's answer says about it. `invalid`, `leaked`, `suspended`, `api-disabled` and
 * `denied` are faults of the key; `rate-limited` keys work; `unverified` could not be told
 * (an upstream 5xx, the network).
 */
export type ProbeVerdict =
  | 'ok'
  | 'rate-limited'
  | 'invalid'
  | 'leaked'
  | 'suspended'
  | 'api-disabled'
  | 'denied'
  | 'unverified'

export interface KeyProbe {
  readonly id: string
  readonly project: string
  readonly verdict: ProbeVerdict
  /** The Google Cloud project number the error named, when it named one. */
  readonly projectNumber: string | undefined
  readonly detail: string
}

export interface ProbeReport {
  readonly probes: readonly KeyProbe[]
  readonly warnings: readonly string[]
  /** Keys with a fault of their own: `keypool check --probe` exits 1 when there is one. */
  readonly failed: number
}

const FAULTS: ReadonlySet<ProbeVerdict> = new Set([
  'invalid',
  'leaked',
  'suspended',
  'api-disabled',
  'denied',
])

/**
 * `keypool check --probe` (design section 2): sends each key one free call and reports keys
 * that are invalid, leaked or disabled, and the Google project number an error names, so that
 * keys filed under the wrong `project` are caught. Prints ids and verdicts, never a key.
 */
export async function probeKeys(
  config: Config,
  io: CommandIO,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const dispatcher = options.dispatcher ?? createUpstreamDispatcher(config.server, io.env)
  try {
    const upstream = new URL(config.server.upstream)
    const send = (key: KeyConfig) => probeOne(dispatcher, upstream, key, options)
    const probes = await mapLimited(config.keys, options.concurrency ?? DEFAULT_CONCURRENCY, send)
    const report = {
      probes,
      warnings: projectWarnings(probes),
      failed: probes.filter((p) => FAULTS.has(p.verdict)).length,
    }
    io.stdout.write(formatProbeReport(upstream, report))
    return report
  } finally {
    if (!options.dispatcher) await dispatcher.close()
  }
}

async function probeOne(
  dispatcher: Dispatcher,
  upstream: URL,
  key: KeyConfig,
  options: ProbeOptions,
): Promise<KeyProbe> {
  const secret = key.key ?? ''
  const base = { id: key.id, project: key.project }
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  try {
    const answer = await dispatcher.request({
      origin: upstream.origin,
      path: upstream.pathname.replace(/\/+$/, '') + PROBE_PATH,
      method: 'GET',
      headers: { 'x-goog-api-key': secret },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    })
    const body = await answer.body.text()
    // Google's messages do not quote the key, but a proxy's might: never print it.
    return { ...base, ...judge(answer.statusCode, body.replaceAll(secret, '***')) }
  } catch (error) {
    const detail = error instanceof Error ? (errorCode(error) ?? error.message) : String(error)
    return { ...base, verdict: 'unverified', projectNumber: undefined, detail }
  }
}

function judge(status: number, body: string): Omit<KeyProbe, 'id' | 'project'> {
  const projectNumber = projectNumberOf(parseGoogleError(body))
  if (status >= 200 && status < 300) return { verdict: 'ok', projectNumber, detail: '' }
  const verdict = classifyUpstreamError(status, body)
  const detail = `${status} ${parseGoogleError(body)?.status ?? ''}`.trim()
  switch (verdict.kind) {
    case 'disable-key':
      return { verdict: disabledVerdict(verdict.reason), projectNumber, detail: verdict.reason }
    case 'flag-key': {
      const kind = verdict.reason === 'SERVICE_DISABLED' ? 'api-disabled' : 'denied'
      return { verdict: kind, projectNumber, detail: verdict.reason }
    }
    case 'cool':
    case 'cool-blind':
    case 'exhausted':
      return { verdict: 'rate-limited', projectNumber, detail }
    default:
      return { verdict: 'unverified', projectNumber, detail }
  }
}

function disabledVerdict(reason: string): ProbeVerdict {
  if (reason === 'API_KEY_INVALID') return 'invalid'
  return /leaked/.test(reason) ? 'leaked' : 'suspended'
}

/**
 * Keys of one configured `project` share one budget, so they must share one Google project;
 * keys of one Google project share its quota, so they must share one configured `project`.
 */
export function projectWarnings(probes: readonly KeyProbe[]): string[] {
  const known = probes.filter((p) => p.projectNumber !== undefined)
  const warnings: string[] = []
  for (const [project, keys] of groupBy(known, (p) => p.project)) {
    if (new Set(keys.map((k) => k.projectNumber)).size < 2) continue
    warnings.push(
      `keys of project "${project}" belong to different Google projects ` +
        `(${keys.map((k) => `${k.id}: ${k.projectNumber}`).join(', ')}); they do not share ` +
        'quota, so give each Google project its own `project`',
    )
  }
  for (const [number, keys] of groupBy(known, (p) => p.projectNumber!)) {
    const projects = [...new Set(keys.map((k) => k.project))]
    if (projects.length < 2) continue
    warnings.push(
      `keys ${keys.map((k) => `${k.id} (project "${k.project}")`).join(', ')} belong to one ` +
        `Google project ${number}; they share its quota, so give them one \`project\``,
    )
  }
  return warnings
}

function formatProbeReport(upstream: URL, report: ProbeReport): string {
  const rows = [
    ['id', 'project', 'verdict', 'google project', 'detail'],
    ...report.probes.map((p) => [p.id, p.project, p.verdict, p.projectNumber ?? '-', p.detail]),
  ]
  const lines = [
    `probe: GET ${upstream.origin}${PROBE_PATH} with each key`,
    alignColumns(rows, '  '),
    ...report.warnings.map((warning) => `warning: ${warning}`),
    summary(report),
  ]
  return `${lines.join('\n')}\n`
}

function summary(report: ProbeReport): string {
  const unverified = report.probes.filter((p) => p.verdict === 'unverified').length
  const parts = []
  if (report.failed > 0) parts.push(`${plural(report.failed, 'key')} failed`)
  if (unverified > 0) parts.push(`${plural(unverified, 'key')} could not be verified`)
  return `probe: ${parts.length === 0 ? 'every key answered' : parts.join('; ')}`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function alignColumns(rows: string[][], indent: string): string {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  const pad = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
  return rows.map((row) => indent + pad(row).trimEnd()).join('\n')
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    groups.set(key, [...(groups.get(key) ?? []), item])
  }
  return groups
}

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined
}
