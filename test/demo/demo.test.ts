import t from 'tap'
import { run } from '../../src/cli/demo.js'
import { memoryIO } from '../helpers/cli-io.js'

/**
 * The whole demo, small and fast: 240 calls at 60 times real speed (1 minute = 1 s), enough
 * that the opening burst overflows the generate budget and calls queue, read back from the
 * text it prints, as a person would read it. At 120 times, a 100 ms stall of a busy test
 * machine was 12 s of demo time, and vip's median wait once came out above free's.
 */

interface Row {
  tier: string
  call: string
  served: number
  waitP50Ms: number
}

/** `0.4s`, `42s`, `1m05s` back to milliseconds. */
function demoMs(text: string): number {
  const match = /^(?:(\d+)m)?(\d+(?:\.\d+)?)s$/.exec(text)
  if (!match) return NaN
  return (Number(match[1] ?? 0) * 60 + Number(match[2])) * 1000
}

/** The table's rows; a row without a tier belongs to the tier above it. */
function tableRows(out: string): Row[] {
  const lines = out.split('\n')
  const start = lines.findIndex((line) => /^\s+tier \(priority\)\s+call/.test(line))
  const rows: Row[] = []
  let tier = ''
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line) || !/(embed|generate)/.test(line)) break
    const named = /^\s+(free|premium|vip) \(\d+\)\s+/.exec(line)
    if (named) tier = named[1]!
    const cells = line.trim().split(/\s{2,}/)
    const [call, , served, , p50] = named ? cells.slice(1) : cells
    rows.push({ tier, call: call!, served: Number(served), waitP50Ms: demoMs(p50!) })
  }
  return rows
}

t.test(
  'a small fast demo serves every tier, vip waiting least, with no upstream 429',
  async (t) => {
    const io = memoryIO()
    const code = await run(['--calls', '240', '--scale', '60', '--no-progress'], io)
    const out = io.out()
    t.match(out, /1 minute = 1 second/, 'the header declares the time scale')

    const rows = tableRows(out)
    const names = rows.map((r) => `${r.tier} ${r.call}`)
    const expected = ['vip', 'premium', 'free'].flatMap((tier) => [
      `${tier} embed`,
      `${tier} generate`,
    ])
    t.same(names, expected, 'a row per tier and kind of call, highest priority first')
    t.ok(
      rows.every((r) => r.served > 0),
      'every tier had calls served',
    )
    t.notMatch(
      out,
      /calls ended without an answer/,
      "every call got an answer or keypool's refusal",
    )
    const generate = (tier: string) => rows.find((r) => r.tier === tier && r.call === 'generate')!
    const [vip, free] = [generate('vip').waitP50Ms, generate('free').waitP50Ms]
    t.ok(vip <= free, `vip's median generate wait (${vip} ms) is at most free's (${free} ms)`)
    t.equal(io.err(), '', 'nothing on stderr: keypool logs nothing unless asked')

    const upstream = /the simulator counted 0 of \d+ calls/
    t.match(out, upstream, 'the simulator saw no call over its limits')
    t.equal(code, 0, 'exit code 0')
  },
)

t.test('an odd --calls is refused with exit code 2 and says why', async (t) => {
  const io = memoryIO()
  const code = await run(['--calls', '7'], io)
  t.equal(code, 2)
  t.match(io.err(), /--calls must be an even number/)
  t.equal(io.out(), '', 'nothing ran')
})
