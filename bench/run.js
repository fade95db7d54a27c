import os from 'node:os'
import { benchOptions } from './options.js'
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
  process.stdout.write(`${title}\n\n${tables.join('\n\n')}\n\n${targetsTable(figures)}\n`)
  if (options.profileDir) {
    progress(`profiles in ${options.profileDir}: node bench/profile-summary.js FILE.cpuprofile`)
  }

  function collect(result) {
    tables.push(...result.tables)
    Object.assign(figures, result.figures)
  }
}

/** What the numbers were measured on; a load average above the core count means neighbours. */
function header({ modeName, mode }, loadBefore) {
  const cpus = os.cpus()
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`
  const runs = `${mode.rounds} round(s) of ${mode.loadS} s (64 connections) and ${mode.latencyS} s (1)`
  const load = `load average ${loadBefore} before, ${loadAverage()} after`
  return `### keypool bench, ${modeName}: ${machine}; ${runs}; ${load}`
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
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exit(1)
})
