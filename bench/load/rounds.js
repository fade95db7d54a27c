import { Tally } from './tally.js'

/**
 * Runs every scenario against every target in alternating rounds: round r starts with a
 * different target, so a neighbour's burst on the shared machine falls on all of them alike
 * rather than on whichever ran at that moment. One unmeasured warm-up run per pair first,
 * for the JIT and the connection pools, unless the scenario says it is `warm` (an earlier one
 * ran the same requests).
 */
export async function alternateRounds({ rounds, targets, scenarios, warmupS, progress }) {
  const tallies = new Map()
  for (const scenario of scenarios) {
    for (const target of targets) {
      tallies.set(key(scenario, target), new Tally())
      if (scenario.warm !== true) await scenario.run(target, warmupS)
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      for (const target of rotate(targets, round)) {
        const sample = await measured(target, () => scenario.run(target, scenario.seconds))
        tallies.get(key(scenario, target)).add(sample)
        progress(
          `round ${round + 1}/${rounds} ${scenario.name} ${target.name}: ${describe(sample)}`,
        )
      }
    }
  }
  return (scenario, target) => tallies.get(key(scenario, target))
}

/** One run with the CPU time its target's process spent during it. */
async function measured(target, run) {
  const before = await target.process.stats()
  const load = await run()
  const after = await target.process.stats()
  const cpuUs = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system)
  return { ...load, cpuUs, rssBytes: after.rss }
}

function key(scenario, target) {
  return `${scenario.name}\u0000${target.name}`
}

function rotate(list, by) {
  const start = by % list.length
  return [...list.slice(start), ...list.slice(0, start)]
}

function describe(sample) {
  const rps = Math.round(sample.served / sample.elapsedS)
  const cpu = Math.round(sample.cpuUs / sample.served)
  const errors = sample.errors ? `, ${sample.errors} errors` : ''
  return `${rps} req/s, ${cpu} µs CPU/req${errors}`
}
