import type { DemoResult } from './runner.js'
import type { Scenario } from './scenario.js'
import { formatTable } from './summary.js'
import { describeScale, formatDemoTime } from './time-scale.js'
import { judge, type Verdict } from './verdict.js'

/** Everything printed after the burst: the table, how to read it, and the verdict. */
export function formatReport(
  scenario: Scenario,
  result: DemoResult,
): { text: string; verdict: Verdict } {
  const verdict = judge(scenario, result)
  const real = (result.realMs / 1000).toFixed(1)
  const lines = [
    `done after ${formatDemoTime(result.elapsedMs)} of demo time (${real} s real)`,
    '',
    formatTable(result.rows),
    `  waits: demo time in keypool's queue (${describeScale(scenario.settings.scale)}), over the`,
    `         calls served (0 for those that never waited) and those answered 504 when their`,
    `         wait ran out`,
    `  refused: keypool answered itself (429 at once, or 504 when a queued call's wait ran out)`,
    `  upstream 429s: met by keypool, per row; the simulator counted ${result.upstreamOverLimit} ` +
      `of ${result.upstreamCalls} calls over its limits`,
    ...failureLines(result),
    '',
    verdict.text,
  ]
  return { text: `${lines.join('\n')}\n`, verdict }
}

function failureLines(result: DemoResult): string[] {
  return result.rows.flatMap((row) =>
    row.failures.map((detail) => `  failed (${row.tier} ${row.kind}): ${detail}`),
  )
}
