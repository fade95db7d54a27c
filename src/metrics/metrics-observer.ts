import type { Registry } from 'prom-client'
import type { Usage } from '../gemini/usage.js'
import type { KeypoolEvents } from '../observe/events.js'
import { createEventMetrics } from './event-metrics.js'
import type { LabelBounds } from './label-bounds.js'

const TOKEN_TYPES = ['prompt', 'output', 'thoughts', 'cached'] as const satisfies ReadonlyArray<
  keyof Usage
>

/**
 * The events that the log observer turns into log lines, turned into counters and histograms
 * (style habit 7: one stream of events, so logs and metrics agree). Every model and client
 * label passes LabelBounds first; key, pool and reason labels are configured ids or fixed words.
 * Events without a metric of their own (warnings, refused clients, internal errors) are logged
 * only; key and budget states are read at scrape time (state-collectors.ts).
 */
export function metricsObserver(registry: Registry, labels: LabelBounds): KeypoolEvents {
  const m = createEventMetrics(registry)
  return {
    requestFinished(e) {
      const model = labels.model(e.pool, e.model)
      const client = labels.client(e.client)
      m.requests.of(e.pool, e.operation, model, client, String(e.status)).inc()
      m.requestSeconds.of(e.pool, e.operation).observe(e.durationMs / 1000)
    },
    upstreamAnswered(e) {
      const model = labels.model(e.pool, e.model)
      m.upstream.of(e.pool, e.key, model, String(e.status)).inc()
      m.upstreamSeconds.of(e.pool, e.operation).observe(e.durationMs / 1000)
    },
    retried(e) {
      m.retries.of(e.pool, e.reason).inc()
    },
    streamBroken(e) {
      m.streamsBroken.of(e.pool, e.reason).inc()
    },
    firstByte(e) {
      m.firstByteSeconds.of(e.pool, labels.model(e.pool, e.model)).observe(e.seconds)
    },
    tokensUsed(e) {
      const model = labels.model(e.pool, e.model)
      const client = labels.client(e.client)
      for (const type of TOKEN_TYPES) {
        const count = e.usage[type]
        if (count !== undefined && count > 0) m.tokens.of(e.pool, model, client, type).inc(count)
      }
    },
    queueWaited(e) {
      m.queueSeconds.of(e.pool, String(e.priority)).observe(e.waitedMs / 1000)
    },
    queueRejected(e) {
      m.queueRejections.of(e.pool, e.reason).inc()
    },
    upstreamRateLimited(e) {
      // Only budgeted calls are penalised, so `model` is already a budget's name: bounded.
      m.rateLimited.of(e.key, e.model, e.window).inc()
    },
    keyStateChanged() {},
    budgetStateChanged() {},
    upstreamWarning() {},
    clientRefused() {},
    internalError() {},
  }
}
