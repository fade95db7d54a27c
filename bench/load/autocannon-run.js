import autocannon from 'autocannon'
import { LatencyLog } from './latency-log.js'

/**
 * One timed run of autocannon against one target. Latencies come from autocannon's `response`
 * event (fractional milliseconds), not from its whole-millisecond histogram.
 */
export function runAutocannon({ url, request, connections, seconds }) {
  const latencies = new LatencyLog()
  let failed = 0
  const options = {
    url: url + request.path,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections,
    duration: seconds,
    pipelining: 1,
  }
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error)
      const elapsedS = (performance.now() - startedAt) / 1000
      const errors = failed + result.errors + result.timeouts
      resolve({ served: latencies.count, errors, elapsedS, latencies })
    })
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.add(ms)
      else failed++
    })
  })
}
