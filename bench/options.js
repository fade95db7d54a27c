import { parseArgs } from 'node:util'

/**
 * `node bench/run.js [--quick] [--only compare,scale,scheduler] [--profile DIR]`
 * --quick    one short round of everything, for developers (under a minute)
 * --only     some sections only
 * --profile  keypool's and the floor's processes run with --cpu-prof, profiles written to DIR
 */

const SECTIONS = ['compare', 'scale', 'scheduler']

/** Seconds per measured run (saturated, at a fixed rate, at one connection), rounds, queue size. */
const MODES = {
  full: { rounds: 3, loadS: 6, rateS: 4, latencyS: 3, warmupS: 2, waiting: 10_000, schedulerS: 1 },
  quick: {
    rounds: 1,
    loadS: 1,
    rateS: 1,
    latencyS: 0.5,
    warmupS: 0.25,
    waiting: 10_000,
    schedulerS: 0.25,
  },
}

export function benchOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'string' },
    },
  })
  const sections = values.only ? values.only.split(',') : SECTIONS
  for (const name of sections) {
    if (!SECTIONS.includes(name)) throw new Error(`--only: unknown section "${name}"`)
  }
  const modeName = values.quick ? 'quick' : 'full'
  return { modeName, mode: MODES[modeName], sections, profileDir: values.profile }
}
