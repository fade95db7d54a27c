import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const FLOOD = fileURLToPath(new URL('./fixtures/flood-stdout.ts', import.meta.url))

t.test(
  'C17: a stdout that stops reading costs bounded memory and its dropped lines are counted',
  async (t) => {
    // The child's stdout is a pipe this test never reads: the log sink is "unreachable".
    const child = spawn(process.execPath, [...process.execArgv, FLOOD], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let report = ''
    child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()))
    await new Promise((resolve) => child.on('exit', resolve))
    child.stdout.destroy()

    const { grew, dropped } = JSON.parse(report.trim().split('\n').at(-1)!) as {
      grew: number
      dropped: number
    }
    t.ok(dropped > 0, `lines were dropped and counted (${dropped})`)
    // 200 MB of lines against a 16 MB cap: held, they would grow memory by 200 MB or more;
    // capped, by the cap and the garbage of the lines not yet collected (36-40 MB measured).
    t.ok(
      grew < 64 * 1024 * 1024,
      `memory grew ${Math.round(grew / 1e6)} MB for ~200 MB of log lines`,
    )
  },
)
