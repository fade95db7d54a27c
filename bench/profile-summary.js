import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

/**
 * `node bench/profile-summary.js [--top N] FILE.cpuprofile...`: where each `--cpu-prof` profile
 * spent its self time, by function and by package or source file, so a run with
 * `--profile DIR` can be read without opening DevTools. A glob over DIR gives every profile of
 * the run (the floor's, keypool's, the scale runs' keypools), each summed on its own.
 */

const USAGE = 'usage: node bench/profile-summary.js [--top N] FILE.cpuprofile...'

function main(argv) {
  const { values, positionals: files } = parseArgs({
    args: argv,
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  })
  const top = Number(values.top)
  if (files.length === 0 || !Number.isInteger(top) || top < 1) throw new Error(USAGE)
  for (const file of files) summarise(file, top, files.length > 1)
}

function summarise(file, top, named) {
  const profile = readProfile(file)
  if (named) process.stdout.write(`\n## ${file}\n`)
  const selfUs = selfTimes(profile)
  // Idle time is the load's absence (other targets' turns), not work: left out of the total.
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)')
  for (const node of idle) selfUs.delete(node.id)
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map()
  const byPlace = new Map()
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0
    const frame = node.callFrame
    const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    add(byFunction, `${frame.functionName || '(anonymous)'} ${where}`, us)
    add(byPlace, place(frame), us)
  }
  print('busy self time by function', byFunction, total, top)
  print('busy self time by package or file', byPlace, total, top)
}

function readProfile(file) {
  try {
    const profile = JSON.parse(readFileSync(file, 'utf8'))
    if (Array.isArray(profile.nodes) && Array.isArray(profile.samples)) return profile
  } catch {
    // Said below, with the file's name.
  }
  throw new Error(`${file}: not a readable .cpuprofile`)
}

/** Self time per node: the interval after each sample goes to the node sampled, as in DevTools. */
function selfTimes(profile) {
  const out = new Map()
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0
    add(out, profile.samples[i], delta)
  }
  return out
}

function place(frame) {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)
  if (pkg) return pkg[1]
  if (frame.url.startsWith('node:')) return frame.url
  return shortUrl(frame.url)
}

function shortUrl(url) {
  return url.replace(/^file:\/\/.*?\/(dist|bench|node_modules)\//, '$1/')
}

function add(map, key, us) {
  map.set(key, (map.get(key) ?? 0) + us)
}

function print(title, map, total, top) {
  process.stdout.write(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)\n`)
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [name, us] of rows) {
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${name}\n`)
  }
}

try {
  main(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`profile-summary: ${error.message}\n`)
  process.exitCode = 2
}
