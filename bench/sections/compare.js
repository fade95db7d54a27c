import { alternateRounds } from '../load/rounds.js'
import { markdownTable } from '../report/markdown.js'
import { count, megabytes, ms, ratio, signedMs, withRatios } from '../report/numbers.js'
import {
  latencyScenarios,
  OFFERED_RATE,
  rateScenarios,
  throughputScenarios,
} from '../setup/scenarios.js'

/**
 * Direct, the floor and keypool under the same loads in one run (issue part 1): throughput
 * tables for unary and SSE, then latency at one connection. Returns the tables and the
 * figures the targets are checked against.
 */
export async function compareSection({ stack, mode, progress }) {
  const targets = [stack.direct, stack.floor, stack.keypool]
  const scenarios = [
    ...throughputScenarios(mode),
    ...rateScenarios(mode),
    ...latencyScenarios(mode),
  ]
  const tally = await alternateRounds({
    rounds: mode.rounds,
    targets,
    scenarios,
    warmupS: mode.warmupS,
    progress,
  })
  const [unary, sse, unaryRate, sseRate, unaryOne, firstByte] = scenarios

  const tables = [unary, sse].map((scenario) => throughputTable(scenario, targets, tally))
  tables.push(rateTable(targets, tally, unaryRate, sseRate))
  tables.push(
    latencyTable(
      targets,
      (t) => tally(unaryOne, t),
      (t) => tally(firstByte, t),
    ),
  )
  return { tables, figures: figures(stack, tally, scenarios) }
}

const CPU_NOTE =
  "CPU µs/req: the server process's own CPU time (user + system, all its threads) over the " +
  "requests it served; for direct, the simulator's. RSS: the highest seen after a run."

function throughputTable(scenario, targets, tally) {
  const [direct, floor] = targets.map((t) => tally(scenario, t))
  const rows = targets.map((target) => {
    const t = tally(scenario, target)
    const cell = (text, pick) =>
      target.name === 'direct' ? text : withRatios(text, pick(t), pick(direct), pick(floor))
    return [
      target.name,
      cell(count(t.requestsPerSecond), (x) => x.requestsPerSecond),
      cell(ms(t.percentile(50)), (x) => x.percentile(50)),
      cell(ms(t.percentile(99)), (x) => x.percentile(99)),
      cell(count(t.cpuPerRequestUs), (x) => x.cpuPerRequestUs),
      cell(megabytes(t.rssMb), (x) => x.rssMb),
      count(t.errors),
    ]
  })
  const header = ['path', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS MB', 'errors']
  return `**${scenario.title}** (ratios: to direct / to the floor)\n\n${markdownTable(header, rows)}\n\n${CPU_NOTE}`
}

function rateTable(targets, tally, unaryRate, sseRate) {
  const floor = targets[1]
  const cpu = (scenario, target) => tally(scenario, target).cpuPerRequestUs
  const rows = targets.map((target) => {
    const cells = [target.name]
    for (const scenario of [unaryRate, sseRate]) {
      const t = tally(scenario, target)
      cells.push(count(t.requestsPerSecond), count(cpu(scenario, target)))
      cells.push(ratio(cpu(scenario, target), cpu(scenario, floor)), ms(t.percentile(50)))
    }
    return cells
  })
  const header = ['path']
  for (const kind of ['unary', 'SSE']) {
    header.push(`${kind} req/s`, `${kind} CPU µs/req`, `${kind} CPU to floor`, `${kind} p50 ms`)
  }
  const title = `**The same offered load: ${count(OFFERED_RATE)} req/s, evenly spaced**`
  return `${title}\n\n${markdownTable(header, rows)}`
}

function latencyTable(targets, unaryOf, firstByteOf) {
  const direct = targets[0]
  const rows = targets.map((target) => {
    const u = unaryOf(target)
    const f = firstByteOf(target)
    const added = (tallyOf, p) => tallyOf(target).percentile(p) - tallyOf(direct).percentile(p)
    const isDirect = target === direct
    return [
      target.name,
      ms(u.percentile(50)),
      ms(u.percentile(99)),
      isDirect ? '–' : signedMs(added(unaryOf, 50)),
      isDirect ? '–' : signedMs(added(unaryOf, 99)),
      ms(f.percentile(50)),
      ms(f.percentile(99)),
      isDirect ? '–' : signedMs(added(firstByteOf, 50)),
    ]
  })
  const header = ['path', 'unary p50', 'unary p99', 'added p50', 'added p99']
  header.push('SSE 1st byte p50', 'SSE 1st byte p99', 'added 1st byte p50')
  return `**One connection** (ms)\n\n${markdownTable(header, rows)}`
}

/** What the targets of perf-anchors.md are checked against. */
function figures(stack, tally, [unary, sse, unaryRate, sseRate, unaryOne, firstByte]) {
  const { direct, floor, keypool } = stack
  const cpuRatio = (scenario) =>
    tally(scenario, keypool).cpuPerRequestUs / tally(scenario, floor).cpuPerRequestUs
  const added = (scenario, p) =>
    tally(scenario, keypool).percentile(p) - tally(scenario, direct).percentile(p)
  return {
    cpuRatioUnary: cpuRatio(unary),
    cpuRatioSse: cpuRatio(sse),
    cpuRatioUnaryAtRate: cpuRatio(unaryRate),
    cpuRatioSseAtRate: cpuRatio(sseRate),
    addedP50: added(unaryOne, 50),
    addedP99: added(unaryOne, 99),
    addedFirstByteP50: added(firstByte, 50),
  }
}
