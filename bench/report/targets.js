import { markdownTable } from './markdown.js'

/**
 * keypool's targets from perf-anchors.md, checked against this run's figures. "Flat" allows
 * 10 %: two runs of the same thing differ by about that on a shared machine.
 */
const FLAT = 1.1

const TARGETS = [
  ['CPU per request, unary, to the floor', (f) => f.cpuRatioUnary, 1.3, (v) => `${v.toFixed(2)}×`],
  ['CPU per request, SSE, to the floor', (f) => f.cpuRatioSse, 1.3, (v) => `${v.toFixed(2)}×`],
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
  ['RSS with 10,000 waiting', (f) => f.rssWaitingMb, 150, (v) => `${v.toFixed(0)} MB`],
]

/** One row per target whose figure this run measured. */
export function targetsTable(figures) {
  const rows = []
  for (const [name, pick, limit, show] of TARGETS) {
    const value = pick(figures)
    if (value === undefined || Number.isNaN(value)) continue
    rows.push([name, show(value), `≤ ${show(limit)}`, value <= limit ? 'met' : 'NOT met'])
  }
  const table = markdownTable(['target', 'measured', 'limit', ''], rows)
  return `**Targets** (perf-anchors.md)\n\n${table}${bareNote(figures)}`
}

/** The RSS target read against what Node alone weighs holding as many open calls. */
function bareNote({ rssWaitingMb, rssBareHeldMb }) {
  if (rssBareHeldMb === undefined || rssWaitingMb === undefined) return ''
  const added = rssWaitingMb - rssBareHeldMb
  return (
    `\n\nA bare node:http server holding as many open calls weighs ${rssBareHeldMb.toFixed(0)} MB` +
    ` by itself: keypool adds ${added.toFixed(0)} MB to that.`
  )
}
