import { markdownTable } from './markdown.js'

/**
 * The targets (docs/performance.md, after perf-anchors.md), checked against this run's
 * figures. "Flat" allows 10 %: two runs of the same thing differ by about that on a shared
 * machine.
 */
const FLAT = 1.1

const TARGETS = [
  ['CPU per request, unary, to the floor', (f) => f.cpuRatioUnary, 1.3, (v) => `${v.toFixed(2)}×`],
  ['CPU per request, SSE, to the floor', (f) => f.cpuRatioSse, 1.3, (v) => `${v.toFixed(2)}×`],
  [
    '… unary, at the same offered load',
    (f) => f.cpuRatioUnaryAtRate,
    1.3,
    (v) => `${v.toFixed(2)}×`,
  ],
  ['… SSE, at the same offered load', (f) => f.cpuRatioSseAtRate, 1.3, (v) => `${v.toFixed(2)}×`],
  ['added p50 at 1 connection', (f) => f.addedP50, 0.4, (v) => `${v.toFixed(2)} ms`],
  ['added p99 at 1 connection', (f) => f.addedP99, 1, (v) => `${v.toFixed(2)} ms`],
  ['SSE first byte after direct (p50)', (f) => f.addedFirstByteP50, 1, (v) => `${v.toFixed(2)} ms`],
  ['CPU per request, 1,000 keys to 3', (f) => f.cpuRatioManyKeys, FLAT, (v) => `${v.toFixed(2)}×`],
  [
    'CPU per request, 10,000 waiting to 0',
    (f) => f.cpuRatioWaiting,
    FLAT,
    (v) => `${v.toFixed(2)}×`,
  ],
  [
    "… the same over the held floor's own ratio",
    (f) => f.cpuRatioWaiting / f.cpuRatioHeldFloor,
    FLAT,
    (v) => `${v.toFixed(2)}×`,
  ],
  ['RSS with 10,000 waiting, at rest', (f) => f.rssWaitingAtRestMb, 150, megabytes],
  ['RSS with 10,000 waiting, under load', (f) => f.rssWaitingMb, 150, megabytes],
]

/** One row per target whose figure this run measured; nothing when it measured none. */
export function targetsTable(figures, caveat) {
  const rows = []
  for (const [name, pick, limit, show] of TARGETS) {
    const value = pick(figures)
    if (value === undefined || Number.isNaN(value)) continue
    // A ratio over nothing served is no figure, and no target met.
    if (!Number.isFinite(value)) {
      rows.push([name, '–', `≤ ${show(limit)}`, 'NOT met'])
      continue
    }
    // Judged on the figure itself; where rounding would show it equal to the limit, it says more.
    let shown = show(value)
    if (shown === show(limit) && value > limit) shown += ` (${value.toFixed(3)})`
    rows.push([name, shown, `≤ ${show(limit)}`, value <= limit ? 'met' : 'NOT met'])
  }
  if (rows.length === 0) return ''
  const table = markdownTable(['target', 'measured', 'limit', ''], rows)
  const note = caveat ? `\n\n${caveat}` : ''
  return `**Targets** (docs/performance.md)\n\n${table}${heldFloorNote(figures)}${note}`
}

/** The deep-queue targets read against the bare floor holding as many open calls. */
function heldFloorNote(f) {
  if (f.rssHeldFloorMb === undefined) return ''
  const cpu = `${((f.cpuRatioHeldFloor - 1) * 100).toFixed(0)} %`
  return (
    `\n\nThe bare floor holding as many open calls costs ${cpu} more CPU per request than ` +
    `without them, and weighs ${megabytes(f.rssHeldFloorAtRestMb)} at rest and ` +
    `${megabytes(f.rssHeldFloorMb)} under load: that much is Node's own.`
  )
}

function megabytes(value) {
  return `${value.toFixed(0)} MB`
}
