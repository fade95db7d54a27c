import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SimContext } from './context.js'
import type { ErrorReply } from './errors.js'
import type { AppliedFaults } from './faults.js'
import { JSON_TYPE, StreamWriter, wantsGzip, writeWhole } from './http-io.js'
import type { ModelInfo } from './models.js'
import { quotaExceeded } from './quota-errors.js'
import type { Route } from './route.js'
import type { SimOperation, SimUsageTier } from './types.js'

export interface Cost {
  units: number
  tokens: number
}

/**
 * One request on its way through the simulator: who sent it, what it costs, and the one answer
 * it gets. Every answer goes through here, so each call is logged exactly once.
 */
export class Call {
  readonly sim: SimContext
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly route: Route
  /**
   * Clock time of arrival, moved to the instant of the quota decision when the call is charged,
   * so that the log's times are the windows' times.
   */
  at: number
  readonly gzip: boolean

  key: string | null = null
  project: string | null = null
  tier: SimUsageTier = 'free'
  model: string | null = null
  modelInfo: ModelInfo | null = null
  operation: SimOperation = 'other'
  isStream = false
  /** The parsed JSON body; undefined when there was none. */
  body: unknown = undefined
  faults: AppliedFaults | null = null

  #units = 0
  #tokens = 0
  #overLimit = false
  #answered = false
  #delayMs = 0

  constructor(sim: SimContext, req: IncomingMessage, res: ServerResponse, route: Route) {
    this.sim = sim
    this.req = req
    this.res = res
    this.route = route
    this.at = sim.clock.now()
    this.gzip = wantsGzip(req)
  }

  /** Real milliseconds to wait before the first byte (the `firstByteDelay` fault). */
  delayFirstByte(ms: number): void {
    this.#delayMs += ms
  }

  /**
   * Charges generate and embed calls to the (project, model) windows, then applies the drop
   * fault and the delays. False means the call has been answered (or dropped) already.
   */
  async admit(cost?: Cost): Promise<boolean> {
    const charged = this.operation === 'generate' || this.operation === 'embed'
    if (cost && charged && this.project !== null && this.modelInfo) {
      this.at = this.sim.clock.now()
      const limits = this.sim.limits.limitsFor(this.project, this.tier, this.modelInfo.name)
      const broken = this.sim.ledger.take(this.at, this.project, this.modelInfo.name, limits, cost)
      if (broken.length > 0) {
        this.#overLimit = true
        const subject = {
          model: this.modelInfo.name,
          tier: this.tier,
          isEmbedding: this.modelInfo.isEmbedding,
        }
        this.fail(quotaExceeded(broken, subject))
        return false
      }
      this.#units = cost.units
      this.#tokens = cost.tokens
    }
    if (this.faults?.dropAfterBody) {
      this.drop()
      return false
    }
    const isModelCall = this.operation !== 'other'
    const wait = this.#delayMs + (isModelCall ? this.sim.latencyMs : 0)
    this.#delayMs = 0
    if (wait > 0) await sleep(wait)
    return true
  }

  json(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
    headers['content-type'] = JSON_TYPE
    this.whole(status, headers, JSON.stringify(body))
  }

  /** An error answer; waits out a pending first-byte delay without blocking the caller. */
  fail(reply: ErrorReply): void {
    const send = (): void => this.json(reply.status, reply.body)
    if (this.#delayMs <= 0) return send()
    const wait = this.#delayMs
    this.#delayMs = 0
    setTimeout(send, wait)
  }

  whole(status: number, headers: OutgoingHttpHeaders, payload: string | Buffer): void {
    if (!this.#begin(status)) return
    writeWhole(this.res, status, headers, payload, this.gzip)
  }

  stream(status: number, headers: OutgoingHttpHeaders): StreamWriter {
    this.#begin(status)
    return new StreamWriter(this.res, status, headers, this.gzip)
  }

  /** Destroys the connection without answering; logged with status 0. */
  drop(): void {
    if (!this.#begin(0)) return
    this.res.destroy()
  }

  #begin(status: number): boolean {
    if (this.#answered) return false
    this.#answered = true
    if (!this.sim.recordCalls) return true
    this.sim.calls.push({
      at: this.at,
      key: this.key,
      project: this.project,
      model: this.model,
      operation: this.operation,
      method: this.req.method ?? 'GET',
      path: this.route.path,
      status,
      units: this.#units,
      tokens: this.#tokens,
      overLimit: this.#overLimit,
    })
    return true
  }
}
