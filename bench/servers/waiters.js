import { Agent, request } from 'node:http'
import { serveChild } from './ipc.js'

/**
 * Holds calls that keypool must queue (their model's budget is spent), so a run can measure
 * what the admitted calls cost while the queue is deep. Its own process: the waiting sockets
 * must not share the load generator's event loop.
 */

/** Connections opened per step; a burst of 10,000 SYNs overflows the listen backlog. */
const STEP = 200
const STEP_MS = 20
/** A connection reset before keypool read the call (a full backlog) is tried again after this. */
const RETRY_MS = 100

serveChild(async ({ url, path, headers, body, count }) => {
  const holder = new CallHolder(new URL(path, url), { method: 'POST', headers }, body)
  for (let sent = 0; sent < count; sent += STEP) {
    for (let i = 0; i < Math.min(STEP, count - sent); i++) holder.send()
    await new Promise((resolve) => setTimeout(resolve, STEP_MS))
  }
  return { url, close: () => holder.close(), extra: () => holder.figures() }
})

class CallHolder {
  #agent = new Agent({ keepAlive: false, maxSockets: Infinity })
  #open = new Set()
  /** Answers by status, failures by error code: a refused call shows here. */
  #outcomes = {}
  #closing = false

  constructor(target, options, body) {
    this.target = target
    this.options = { ...options, agent: this.#agent }
    this.body = body
  }

  send() {
    const req = request(this.target, this.options)
    this.#open.add(req)
    req.on('response', (res) => {
      this.#leave(req, res.statusCode)
      res.resume()
    })
    req.on('error', (error) => {
      this.#leave(req, error.code ?? 'error')
      if (!this.#closing) setTimeout(() => this.send(), RETRY_MS)
    })
    req.end(this.body)
  }

  figures() {
    return { open: this.#open.size, outcomes: this.#outcomes }
  }

  close() {
    this.#closing = true
    for (const req of this.#open) req.destroy()
    this.#agent.destroy()
  }

  #leave(req, outcome) {
    this.#open.delete(req)
    this.#outcomes[outcome] = (this.#outcomes[outcome] ?? 0) + 1
  }
}
