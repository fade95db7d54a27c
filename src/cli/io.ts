/** What a command may touch of the process, so tests can run it with in-memory streams. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
  readonly env: NodeJS.ProcessEnv
}

/** Every command module exports `run` with this signature; it resolves to the exit code. */
export type CommandRun = (args: string[], io: CommandIO) => Promise<number>

/** Exit codes: 1 for a failure of the work (a bad config), 2 for a bad command line. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
