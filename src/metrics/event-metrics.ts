import type { Registry } from 'prom-client'
import { CounterFamily } from './counter-family.js'
import { HistogramFamily } from './histogram-family.js'

/**
 * The counters and histograms of design section 8 that events feed. Both count in plain
 * numbers read at scrape time (CounterFamily, HistogramFamily). Gauges of state (keys,
 * budgets, queue depth) are read at scrape time (state-collectors.ts). The cache's, the state
 * store's and reload metrics arrive with those parts.
 */

/** Calls to Gemini take from milliseconds (count, embed) to minutes (long generations). */
const CALL_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
const FIRST_BYTE_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]
/** Most calls never wait (the first bucket); a queue that fills waits up to `queue.maxWait`. */
const QUEUE_SECONDS = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

export type EventMetrics = ReturnType<typeof createEventMetrics>

export function createEventMetrics(registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new CounterFamily(registry, name, help, labelNames)
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
    new HistogramFamily(registry, name, help, labelNames, buckets)

  return {
    requests: counter('keypool_requests_total', 'Calls answered, by HTTP status code', [
      'pool',
      'operation',
      'model',
      'client',
      'code',
    ]),
    requestSeconds: histogram(
      'keypool_request_duration_seconds',
      'Whole calls, queue and stream included',
      ['pool', 'operation'],
      CALL_SECONDS,
    ),
    upstream: counter(
      'keypool_upstream_requests_total',
      'Attempts sent upstream that got an answer, by its HTTP status code',
      ['pool', 'key', 'model', 'code'],
    ),
    upstreamSeconds: histogram(
      'keypool_upstream_duration_seconds',
      'Attempts sent upstream, until their answer ended',
      ['pool', 'operation'],
      CALL_SECONDS,
    ),
    firstByteSeconds: histogram(
      'keypool_stream_first_byte_seconds',
      'Streamed calls, from arrival to the first byte of the answer',
      ['pool', 'model'],
      FIRST_BYTE_SECONDS,
    ),
    queueSeconds: histogram(
      'keypool_queue_wait_seconds',
      'Wait for a budget that admits the call (0 when none was needed)',
      ['pool', 'priority'],
      QUEUE_SECONDS,
    ),
    queueRejections: counter(
      'keypool_queue_rejections_total',
      'Calls the queue refused, at once or when their deadline passed',
      ['pool', 'reason'],
    ),
    retries: counter('keypool_retries_total', 'Attempts sent again on another key', [
      'pool',
      'reason',
    ]),
    rateLimited: counter(
      'keypool_upstream_rate_limited_total',
      'Upstream 429s, by the quota window they named',
      ['key', 'model', 'window'],
    ),
    tokens: counter('keypool_tokens_total', 'Tokens reported in usageMetadata', [
      'pool',
      'model',
      'client',
      'type',
    ]),
    streamsBroken: counter(
      'keypool_streams_broken_total',
      'Answers that broke after their first byte went to the client',
      ['pool', 'reason'],
    ),
  }
}
