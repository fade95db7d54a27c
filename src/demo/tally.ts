import { noEvents, type KeypoolEvents, type RequestFinished } from '../observe/events.js'
import type { DemoClient, TierName } from './scenario.js'

/**
 * What happened to every call, per tier and kind of call: the clients say how each call ended
 * (answered, refused by keypool, failed otherwise); keypool's events say how long served calls
 * queued and which calls met an upstream 429 on the way.
 */

export type CallKind = 'embed' | 'generate'

export const CALL_KINDS: readonly CallKind[] = ['embed', 'generate']

export type CallResult =
  | { readonly kind: 'answered' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'failed'; readonly detail: string }

export interface CallTally {
  readonly tier: TierName
  readonly priority: number
  readonly kind: CallKind
  calls: number
  served: number
  /** keypool's own refusals by reason (`WaitTooLong`, `QueueTimeout`, …). */
  readonly refused: Map<string, number>
  failed: number
  /** The first few failures' messages, for the report. */
  readonly failures: string[]
  /** Queue wait of each call served or timed out in the queue, in demo ms (see `queueWait`). */
  readonly waitsMs: number[]
  /** Upstream 429 answers that keypool met for these calls (it retries them elsewhere). */
  upstreamRateLimited: number
}

export interface TallySnapshot {
  readonly started: number
  readonly finished: number
  readonly served: number
  readonly refused: number
  readonly failed: number
}

const FAILURES_KEPT = 3

export class DemoTally {
  /** By `client id / kind`. */
  readonly #byClient = new Map<string, CallTally>()
  readonly #all: CallTally[] = []
  /** Upstream 429s per request id, until that request's `requestFinished` names its client. */
  readonly #rateLimited = new Map<string, number>()
  #started = 0
  #finished = 0

  constructor(clients: readonly DemoClient[]) {
    for (const client of clients) {
      for (const kind of CALL_KINDS) {
        let tally = this.#all.find((t) => t.tier === client.tier && t.kind === kind)
        if (!tally) {
          tally = emptyTally(client.tier, client.priority, kind)
          this.#all.push(tally)
        }
        this.#byClient.set(`${client.id}/${kind}`, tally)
      }
    }
  }

  /** Passed to keypool among its observers. */
  readonly observer: KeypoolEvents = {
    ...noEvents,
    upstreamAnswered: (event) => {
      if (event.status !== 429) return
      this.#rateLimited.set(event.requestId, (this.#rateLimited.get(event.requestId) ?? 0) + 1)
    },
    requestFinished: (event) => {
      const tally = this.#byClient.get(`${event.client}/${event.operation}`)
      const rateLimited = this.#rateLimited.get(event.requestId) ?? 0
      this.#rateLimited.delete(event.requestId)
      if (!tally) return
      tally.upstreamRateLimited += rateLimited
      const wait = queueWait(event)
      if (wait !== undefined) tally.waitsMs.push(wait)
    },
  }

  callStarted(client: DemoClient, kind: CallKind): void {
    this.#started++
    this.#tally(client, kind).calls++
  }

  callEnded(client: DemoClient, kind: CallKind, result: CallResult): void {
    this.#finished++
    const tally = this.#tally(client, kind)
    if (result.kind === 'answered') tally.served++
    else if (result.kind === 'refused') {
      tally.refused.set(result.reason, (tally.refused.get(result.reason) ?? 0) + 1)
    } else {
      tally.failed++
      if (tally.failures.length < FAILURES_KEPT) tally.failures.push(result.detail)
    }
  }

  snapshot(): TallySnapshot {
    let served = 0
    let refused = 0
    let failed = 0
    for (const tally of this.#all) {
      served += tally.served
      refused += sum(tally.refused)
      failed += tally.failed
    }
    return { started: this.#started, finished: this.#finished, served, refused, failed }
  }

  /** Every (tier, kind), highest priority first, embed before generate within a tier. */
  rows(): readonly CallTally[] {
    const order = (t: CallTally) => -t.priority * CALL_KINDS.length + CALL_KINDS.indexOf(t.kind)
    return [...this.#all].sort((a, b) => order(a) - order(b))
  }

  #tally(client: DemoClient, kind: CallKind): CallTally {
    const tally = this.#byClient.get(`${client.id}/${kind}`)
    if (!tally) throw new Error(`demo client ${client.id} is not in the scenario`)
    return tally
  }
}

/**
 * How long a call waited in keypool's queue (its `queueMs`), for calls served, 0 when they never
 * waited, and calls answered 504 because their wait ran out. Calls refused at once have no
 * wait: counting them as 0 would flatter the tier, and leaving out the timed-out ones would
 * keep only the lucky survivors.
 */
function queueWait(event: RequestFinished): number | undefined {
  if (event.code === 'KP_ERR_QUEUE_TIMEOUT' || event.status === 200) return event.queueMs
  return undefined
}

export function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0
  for (const n of counts.values()) total += n
  return total
}

function emptyTally(tier: TierName, priority: number, kind: CallKind): CallTally {
  return {
    tier,
    priority,
    kind,
    calls: 0,
    served: 0,
    refused: new Map(),
    failed: 0,
    failures: [],
    waitsMs: [],
    upstreamRateLimited: 0,
  }
}
