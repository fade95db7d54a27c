import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Every child started, so that an interrupted run still ends them (by pid, one by one). */
const started = new Set()

/**
 * Starts one bench server (`bench/servers/<name>.js`) in its own process and resolves once it
 * listens. `execArgv` passes flags such as `--cpu-prof` to that process alone. The options go
 * over IPC, not argv: a config of 1,000 keys is too long for a command line.
 */
export async function startChild(name, options, { execArgv = [] } = {}) {
  const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url))
  const child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  started.add(child)
  child.once('exit', () => started.delete(child))

  const ready = reply(child, 'ready')
  child.send({ type: 'start', options })
  const { url } = await ready
  let nextId = 0
  return {
    name,
    pid: child.pid,
    url,
    /** CPU time (µs), RSS (bytes) and the server's own figures, right now. */
    stats: () => {
      const id = nextId++
      const answer = reply(child, 'stats', (message) => message.id === id)
      child.send({ type: 'stats', id })
      return answer
    },
    stop: () => stopChild(child),
  }
}

function reply(child, type, matches = () => true) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type === 'failed') done(reject, new Error(message.error))
      else if (message?.type === type && matches(message)) done(resolve, message)
    }
    const onExit = (code) => done(reject, new Error(`bench child exited (${code}) before ${type}`))
    const done = (settle, value) => {
      child.off('message', onMessage)
      child.off('exit', onExit)
      settle(value)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.send({ type: 'stop' })
  // A child that cannot close in time is ended by its own pid, never by name.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** Ends every child still running: the run failed or was interrupted. */
export function killChildren() {
  for (const child of started) child.kill('SIGKILL')
}
