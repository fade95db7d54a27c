import { accessSync, constants, mkdirSync } from 'node:fs'
import { parseArgs } from 'node:util'

const USAGE = `usage: node bench/run.js [--quick] [--only compare,scale,scheduler] [--profile DIR]
  --quick    one short round of everything, for developers (under a minute)
  --only     some sections only
  --profile  keypool's and the floor's processes run with --cpu-prof, profiles written to DIR`

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
  const { values } = parseCommandLine({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'string' },
    },
  })
  const sections = values.only === undefined ? SECTIONS : values.only.split(',')
  for (const name of sections) {
    if (!SECTIONS.includes(name)) {
      throw new BenchUsageError(`--only: unknown section "${name}"; one or more of ${SECTIONS}`)
    }
  }
  const modeName = values.quick ? 'quick' : 'full'
  return { modeName, mode: MODES[modeName], sections, profileDir: profileDir(values.profile) }
}

/** A mistake in the command line: said in one line, with no stack. */
export class BenchUsageError extends Error {}

/** The profile directory, made now: a path that cannot hold profiles fails before any run. */
function profileDir(path) {
  if (path === undefined) return undefined
  if (path === '') throw new BenchUsageError('--profile: give a directory')
  try {
    mkdirSync(path, { recursive: true })
    accessSync(path, constants.W_OK)
  } catch (error) {
    throw new BenchUsageError(`--profile: cannot write profiles to ${path} (${error.code})`)
  }
  return path
}

function parseCommandLine(config) {
  try {
    return parseArgs(config)
  } catch (error) {
    throw new BenchUsageError(`${error.message}\n${USAGE}`)
  }
}
