import type { TallySnapshot } from './tally.js'
import { formatDemoTime } from './time-scale.js'

/**
 * The live view while the burst runs: one line redrawn in place on a terminal, a plain line
 * per demo minute when stdout is a file or a pipe (so logs stay readable), or nothing.
 */

export type ProgressMode = 'bar' | 'lines' | 'off'

export interface ProgressSource {
  readonly total: number
  snapshot(): TallySnapshot
  /** Calls waiting in keypool's queues right now. */
  queued(): number
  /** Demo time since the burst began. */
  elapsedMs(): number
}

export interface Progress {
  /** Draws the last state and ends the line. */
  stop(): void
}

const BAR_REDRAW_MS = 100
const BAR_WIDTH = 24
const DEMO_MINUTE_MS = 60_000
/** At high scales a line per demo minute would flood a log; one a real second is plenty. */
const MIN_LINE_MS = 1_000

export function startProgress(
  stream: NodeJS.WritableStream,
  mode: ProgressMode,
  source: ProgressSource,
  scale: number,
): Progress {
  if (mode === 'off') return { stop: () => {} }

  const draw =
    mode === 'bar'
      ? () => stream.write(`\r${fit(barLine(source), stream)}\x1b[K`)
      : () => stream.write(`${plainLine(source)}\n`)
  const every = mode === 'bar' ? BAR_REDRAW_MS : Math.max(MIN_LINE_MS, DEMO_MINUTE_MS / scale)
  const timer = setInterval(draw, every)
  return {
    stop() {
      clearInterval(timer)
      draw()
      if (mode === 'bar') stream.write('\n')
    },
  }
}

/** A line longer than the terminal would wrap, and `\r` would then redraw only its tail. */
function fit(line: string, stream: NodeJS.WritableStream): string {
  const columns = (stream as Partial<NodeJS.WriteStream>).columns
  return columns !== undefined && columns > 1 ? line.slice(0, columns - 1) : line
}

function barLine(source: ProgressSource): string {
  const { finished } = source.snapshot()
  const share = source.total === 0 ? 1 : finished / source.total
  const filled = Math.round(share * BAR_WIDTH)
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled)
  const percent = `${Math.round(share * 100)}%`.padStart(4)
  return `${bar} ${percent}  ${counts(source)}  (demo time ${formatDemoTime(source.elapsedMs())})`
}

function plainLine(source: ProgressSource): string {
  return `[${formatDemoTime(source.elapsedMs()).padStart(6)}] ${counts(source)}`
}

function counts(source: ProgressSource): string {
  const s = source.snapshot()
  const parts = [
    `${s.finished}/${source.total} calls done`,
    `${s.served} served`,
    `${s.refused} refused`,
    ...(s.failed > 0 ? [`${s.failed} failed`] : []),
    `${source.queued()} queued`,
  ]
  return parts.join(', ')
}
