import { BURST_SPREAD_MS } from './questions.js'
import { describeScale, formatDemoTime } from './time-scale.js'
import { DEMO_KEYS, DEMO_LIMITS, MAX_WAIT_MS, TIERS, type Scenario } from './scenario.js'

/** What is about to run, printed before the burst: the scale first, since every time uses it. */
export function formatHeader(scenario: Scenario): string {
  const { scale, seed } = scenario.settings
  const rows: Array<[string, string]> = [
    ['time scale', `${describeScale(scale)} (--scale ${scale}); times below are demo time`],
    ['upstream', `the simulator, keys ${keysByProject()}`],
    ['limits', `per project: ${limitsText()}`],
    [
      '',
      `(the pool: ${scenario.generatePerMinute} generate, ${scenario.embedPerMinute} embed calls a minute)`,
    ],
    ['clients', clientsText(scenario)],
    ['traffic', trafficText(scenario)],
    ['', arrivalText(scenario)],
    [
      'queue',
      `maxWait ${formatDemoTime(MAX_WAIT_MS)}: longer predicted waits get keypool's 429 at once`,
    ],
    ['seed', `${seed} (--seed)`],
  ]
  const lines = rows.map(([label, text]) => `  ${label.padEnd(11)} ${text}`)
  const title = 'keypool demo: the Gemini simulator and keypool in one process; no keys, no network'
  return `${title}\n${lines.join('\n')}\n\n`
}

function keysByProject(): string {
  const projects = new Map<string, string[]>()
  for (const key of DEMO_KEYS) {
    projects.set(key.project, [...(projects.get(key.project) ?? []), key.id])
  }
  return [...projects].map(([project, ids]) => `${ids.join(' + ')} (${project})`).join(', ')
}

function limitsText(): string {
  return DEMO_LIMITS.map((l) => `${l.models} ${l.rpm} rpm`).join(', ')
}

function clientsText(scenario: Scenario): string {
  return TIERS.map((tier) => {
    const ids = scenario.clients.filter((c) => c.tier === tier.name).map((c) => c.id)
    return `${ids.join(' ')} (priority ${tier.priority})`
  }).join(', ')
}

function trafficText(scenario: Scenario): string {
  const { questions } = scenario
  const streamed = questions.filter((q) => q.isStreamed).length
  const calls = questions.length * 2
  return `${questions.length} questions, each embed then generate (${streamed} streamed): ${calls} calls`
}

function arrivalText(scenario: Scenario): string {
  const times = scenario.questions.map((q) => q.atMs)
  const early = times.filter((t) => t < BURST_SPREAD_MS).length
  const last = Math.max(0, ...times)
  const spread = formatDemoTime(BURST_SPREAD_MS)
  return `${early} asked in the first ${spread}, the rest spread until ${formatDemoTime(last)}`
}
