import { percentile } from './percentile.js'
import { sum, type CallTally } from './tally.js'
import { formatDemoTime } from './time-scale.js'

/**
 * The table printed after the burst: a row per tier and kind of call, highest priority first.
 * Embed and generate calls get rows of their own because they queue for different budgets: one
 * median over both would land between two unrelated waits.
 */

interface Column {
  readonly title: string
  readonly align: 'left' | 'right'
  readonly cell: (row: CallTally, isFirstOfTier: boolean) => string
}

const COLUMNS: readonly Column[] = [
  { title: 'tier (priority)', align: 'left', cell: (r, first) => (first ? tierText(r) : '') },
  { title: 'call', align: 'left', cell: (r) => r.kind },
  { title: 'calls', align: 'right', cell: (r) => String(r.calls) },
  { title: 'served', align: 'right', cell: (r) => String(r.served) },
  { title: 'refused', align: 'left', cell: (r) => refusedText(r.refused) },
  { title: 'wait p50', align: 'right', cell: (r) => waitText(r.waitsMs, 50) },
  { title: 'wait p95', align: 'right', cell: (r) => waitText(r.waitsMs, 95) },
  { title: 'upstream 429s', align: 'right', cell: (r) => String(r.upstreamRateLimited) },
]

const FAILED: Column = { title: 'failed', align: 'right', cell: (r) => String(r.failed) }
const FAILED_AT = COLUMNS.findIndex((c) => c.title === 'refused') + 1

export function formatTable(rows: readonly CallTally[]): string {
  const anyFailed = rows.some((r) => r.failed > 0)
  const columns = anyFailed
    ? [...COLUMNS.slice(0, FAILED_AT), FAILED, ...COLUMNS.slice(FAILED_AT)]
    : COLUMNS
  const cells = [
    columns.map((c) => c.title),
    ...rows.map((row, i) => columns.map((c) => c.cell(row, rows[i - 1]?.tier !== row.tier))),
  ]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  const pad = (text: string, i: number) =>
    columns[i]!.align === 'left' ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)
  const lines = cells.map((line) => `  ${line.map(pad).join('  ')}`.trimEnd())
  return `${lines.join('\n')}\n`
}

function tierText(row: CallTally): string {
  return `${row.tier} (${row.priority})`
}

/** `0`, or `3 WaitTooLong`, or `2 WaitTooLong, 1 QueueTimeout`. */
function refusedText(refused: ReadonlyMap<string, number>): string {
  if (sum(refused) === 0) return '0'
  return [...refused].map(([reason, n]) => `${n} ${reason}`).join(', ')
}

/** A percentile of the served calls' queue waits, in demo time; `-` when none was served. */
function waitText(waitsMs: readonly number[], p: number): string {
  const ms = percentile(waitsMs, p)
  return Number.isNaN(ms) ? '-' : formatDemoTime(ms)
}
