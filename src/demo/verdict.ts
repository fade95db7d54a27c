import { percentile } from './percentile.js'
import type { DemoResult } from './runner.js'
import type { Scenario } from './scenario.js'
import type { CallKind, CallTally } from './tally.js'
import { formatDemoTime } from './time-scale.js'

/**
 * Whether the run showed what keypool promises: no call ever reached the upstream over its
 * limits, and every call ended with an answer or keypool's own refusal. How the tiers' waits
 * compare is reported beside it: it depends on the traffic, the promises do not.
 */
export interface Verdict {
  readonly ok: boolean
  readonly text: string
}

export function judge(scenario: Scenario, result: DemoResult): Verdict {
  const problems = []
  const seen429 = result.rows.reduce((n, r) => n + r.upstreamRateLimited, 0)
  if (result.upstreamOverLimit > 0 || seen429 > 0) {
    const count = Math.max(result.upstreamOverLimit, seen429)
    problems.push(`${count} upstream 429s: keypool sent calls over the simulator's limits`)
  }
  if (result.totals.failed > 0) {
    problems.push(`${result.totals.failed} calls ended without an answer or keypool's refusal`)
  }
  const waits = waitComparison(result.rows, 'generate')
  if (problems.length > 0) return { ok: false, text: `FAIL  ${problems.join('; ')}; ${waits}` }

  const { served, refused, started } = result.totals
  const budget = `${scenario.generatePerMinute} generate + ${scenario.embedPerMinute} embed a minute`
  return {
    ok: true,
    text:
      `OK  ${started} calls against budgets of ${budget}: ${served} served, ` +
      `${refused} refused by keypool, 0 upstream 429s; ${waits}`,
  }
}

/** The median waits of the highest and lowest tier for one kind of call. */
export function medianWaits(rows: readonly CallTally[], kind: CallKind) {
  const ofKind = rows.filter((r) => r.kind === kind)
  const top = ofKind[0]
  const bottom = ofKind[ofKind.length - 1]
  if (!top || !bottom || top === bottom) return undefined
  return {
    top: { tier: top.tier, ms: percentile(top.waitsMs, 50) },
    bottom: { tier: bottom.tier, ms: percentile(bottom.waitsMs, 50) },
  }
}

/** "generate calls: vip waited 0.4s (median), free 1m02s", flagged when vip waited longer. */
function waitComparison(rows: readonly CallTally[], kind: CallKind): string {
  const medians = medianWaits(rows, kind)
  if (!medians) return 'one tier only'
  const { top, bottom } = medians
  const text = `${kind} calls: ${top.tier} waited ${show(top.ms)} (median), ${bottom.tier} ${show(bottom.ms)}`
  return top.ms <= bottom.ms ? text : `${text}, so ${top.tier} did NOT wait less`
}

function show(ms: number): string {
  return Number.isNaN(ms) ? 'nothing (none served)' : formatDemoTime(ms)
}
