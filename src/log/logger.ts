import pino, { type Logger, type LevelWithSilent } from 'pino'
import { isoTimestamp } from './iso-timestamp.js'

/**
 * The one place that decides how keypool logs: JSON lines on stdout, or pretty lines for people.
 * Modules never pick levels for themselves beyond the policy in `log/events.ts`; they receive a
 * logger (or emit events) and the server owns what becomes a line.
 */
export interface LoggerOptions {
  level?: LevelWithSilent
  pretty?: boolean
  /** Where lines go; stdout when absent. Tests pass a stream to read lines back as JSON. */
  destination?: pino.DestinationStream
}

export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]

export function isLogLevel(text: string): text is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(text)
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info'
  const base = { level, base: { svc: 'keypool' }, timestamp: isoTimestamp() }

  if (options.pretty) {
    const transport = pino.transport({
      target: 'pino-pretty',
      options: { colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l' },
    })
    return pino(base, transport)
  }
  return pino(base, options.destination ?? batchedDestination(1))
}

/**
 * How keypool writes log lines to stdout (file descriptor 1), or to a file the bench names:
 * in batches of 16 KB or more, or every 250 ms when traffic is light. One write per request line
 * cost about 15 % of keypool's CPU per call (npm run bench). The lines reach sonic-boom as bytes:
 * given text, it measures its whole pending batch again at every line (Buffer.byteLength of a
 * growing string), which cost 3 µs a line at 4 KB batches, against 1.2 µs for bytes at 16 KB
 * (the write alone, pino's serialization of the line left out).
 */
export function batchedDestination(dest: number | string): pino.DestinationStream {
  const boom = pino.destination({
    dest,
    sync: false,
    contentMode: 'buffer',
    minLength: 16 * 1024,
    maxWrite: 64 * 1024,
    periodicFlush: 250,
    maxLength: MAX_BUFFERED_LOG_BYTES,
  })
  boom.on('drop', () => droppedLogLines++)
  return new LinesAsBytes(boom)
}

type SonicBoom = ReturnType<typeof pino.destination>

/** pino writes text; a sonic-boom in buffer mode takes bytes. Flushes pass through. */
class LinesAsBytes implements pino.DestinationStream {
  readonly #boom: SonicBoom

  constructor(boom: SonicBoom) {
    this.#boom = boom
  }

  write(line: string): boolean {
    // sonic-boom's types know only its text mode; in buffer mode it takes a Buffer.
    return this.#boom.write(Buffer.from(line) as unknown as string)
  }

  flush(done?: (error?: Error) => void): void {
    this.#boom.flush(done)
  }

  flushSync(): void {
    this.#boom.flushSync()
  }
}

/**
 * Log bytes held while stdout cannot keep up (a stalled pipe, a log shipper gone away). Past
 * this, lines are dropped and counted rather than held: memory stays flat (case C17).
 */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024
let droppedLogLines = 0

/** Log lines dropped because stdout could not take them, since the process started. */
export function droppedLogLineCount(): number {
  return droppedLogLines
}

/** A logger that writes nothing, for library use and tests that do not read logs. */
export const silentLogger: Logger = pino({ level: 'silent' })

export type { Logger }
