import { LRUCache } from 'lru-cache'
import { KeypoolError } from '../errors/keypool-error.js'
import { DayCounter } from '../limits/day-counter.js'
import { SlidingWindow } from '../limits/sliding-window.js'
import { formatDuration } from '../util/units.js'
import type { Client } from './client-auth.js'

/** A call's place in its client's quotas, handed back if the call is never served. */
export interface QuotaTicket {
  readonly client: Client
  readonly takenAt: number
  readonly dayEnd: number
}

interface Counters {
  day: DayCounter
  minute: SlidingWindow | undefined
}

/**
 * The tiers' client quotas (design section 5): requests per Pacific day and an optional rpm,
 * counted in HTTP calls. A call takes its unit when admitted, so a burst of queued calls cannot
 * overrun the quota; a call that keypool refuses or that leaves the queue unserved gives its
 * unit back, so it is not counted.
 */
export class ClientQuotas {
  /** One entry per configured client (and `anonymous`); bounded all the same. */
  readonly #counters = new LRUCache<string, Counters>({ max: 10_000 })

  /** Takes a unit for the client, or throws keypool's 429 saying when to come back. */
  admit(client: Client, now: number): QuotaTicket {
    const { requestsPerDay, rpm } = client.tierConfig
    const counters = this.#countersOf(client)
    const dayFit = counters.day.nextFitAt(1, now)
    if (dayFit > now) throw refusal('KP_ERR_CLIENT_RPD', client, requestsPerDay!, dayFit - now)
    const minuteFit = counters.minute?.nextFitAt(1, now) ?? now
    if (minuteFit > now) throw refusal('KP_ERR_CLIENT_RPM', client, rpm!, minuteFit - now)

    counters.day.take(1, now)
    const takenAt = counters.minute?.take(1, now) ?? now
    return { client, takenAt, dayEnd: counters.day.resetsAt(now) }
  }

  /** Gives back the unit of a call that was never served. */
  release(ticket: QuotaTicket, now: number): void {
    const counters = this.#counters.get(ticket.client.id)
    if (!counters) return
    if (counters.day.resetsAt(now) === ticket.dayEnd) counters.day.take(-1, now)
    counters.minute?.adjust(ticket.takenAt, -1)
  }

  /** Calls counted today for a client id, for the status page (0 before its first call). */
  todayOf(clientId: string, now: number): number {
    return this.#counters.get(clientId)?.day.used(now) ?? 0
  }

  #countersOf(client: Client): Counters {
    let counters = this.#counters.get(client.id)
    if (!counters) {
      const { requestsPerDay, rpm } = client.tierConfig
      counters = {
        // Counted even without a daily quota, so that the status page shows every client's day.
        day: new DayCounter(requestsPerDay ?? Infinity),
        minute: rpm === undefined ? undefined : new SlidingWindow(rpm),
      }
      this.#counters.set(client.id, counters)
    }
    return counters
  }
}

function refusal(
  code: 'KP_ERR_CLIENT_RPD' | 'KP_ERR_CLIENT_RPM',
  client: Client,
  limit: number,
  waitMs: number,
): KeypoolError {
  const params = { client: client.id, limit, retry: formatDuration(waitMs) }
  return new KeypoolError(code, params, waitMs / 1000)
}
