import os from 'node:os'
import { BenchUsageError, benchOptions } from './options.js'
import { targetsTable } from './report/targets.js'
import { compareSection } from './sections/compare.js'
import { scaleSection } from './sections/scale.js'
import { schedulerSection } from './sections/scheduler.js'
import { killChildren } from './servers/child.js'
import { startStack } from './setup/stack.js'

/**
 * `npm run bench`: direct, the floor and keypool side by side, the scale runs and the
 * scheduler alone. Progress goes to stderr, the report (markdown) to stdout. Timings are
 * never part of `npm test`.
 */

const LARGE_KEY_COUNT = 1000

async function main() {
  const options = benchOptions(process.argv.slice(2))
  const progress = (line) => process.stderr.write(`  ${line}\n`)
  const { mode, sections } = options
  const figures = {}
  const tables = []
  const loadBefore = loadAverage()

  if (sections.includes('compare') || sections.includes('scale')) {
    const stack = await startStack({
      largeKeyCount: LARGE_KEY_COUNT,
      profileDir: options.profileDir,
    })
    try {
      if (sections.includes('compare')) collect(await compareSection({ stack, mode, progress }))
      if (sections.includes('scale')) collect(await scaleSection({ stack, mode, progress }))
    } finally {
      await stack.stop()
    }
  }
  if (sections.includes('scheduler')) collect(await schedulerSection({ mode, progress }))

  const title = header(options, loadBefore)
  const targets = targetsTable(figures, caveat(options))
  process.stdout.write(`${title}\n\n${[...tables, targets].filter(Boolean).join('\n\n')}\n`)
  if (options.profileDir) {
    const dir = options.profileDir
    progress(`profiles in ${dir}: node bench/profile-summary.js ${dir}/*.cpuprofile`)
  }

  function collect(result) {
    tables.push(...result.tables)
    Object.assign(figures, result.figures)
  }
}

/**
 * What the numbers were measured on. The load average is the last minute's: above the core
 * count before the run, something else was busy just before it (an earlier run, a build).
 */
function header({ modeName, mode, sections }, loadBefore) {
  const cpus = os.cpus()
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`
  const loads = sections.some((s) => s === 'compare' || s === 'scale')
  const runs = loads
    ? `; ${mode.rounds} round(s) of ${mode.loadS} s (64 connections) and ${mode.latencyS} s (1)`
    : ''
  const load = `load average ${loadBefore} before, ${loadAverage()} after`
  return `### keypool bench, ${modeName}: ${machine}${runs}; ${load}`
}

/** Why no target should be read from this run's figures, when none should. */
function caveat({ modeName, profileDir }) {
  if (profileDir) {
    return (
      'Profiled run: keypool and the floor ran with --cpu-prof, which costs each of them CPU; ' +
      'read no target from it.'
    )
  }
  if (modeName === 'quick') {
    return (
      "Quick run: one round of one second per load, for a developer's check; the scale " +
      'ratios swing by 0.5 between such runs. Judge targets from a full run.'
    )
  }
  return undefined
}

function loadAverage() {
  return os.loadavg()[0].toFixed(1)
}

// An interrupted run ends its children by pid before leaving.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killChildren()
    process.exit(130)
  })
}

main().catch((error) => {
  killChildren()
  if (error instanceof BenchUsageError) {
    process.stderr.write(`bench: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exit(1)
})
