import { Pool } from 'undici'
import { LatencyLog } from './latency-log.js'

/**
 * An open-loop load: `rate` calls a second, spread evenly, whether or not earlier ones have
 * answered. autocannon's `overallRate` is not this: it gives each connection a quota per second,
 * which the connection sends back to back before it idles, so the load comes in bursts that
 * saturate a target for part of each second. Spread evenly, every target does the same work in
 * the same rhythm, as a sidecar below its limit does.
 */
export async function runPaced({ url, request, connections, seconds, rate }) {
  // A target that stops answering ends its calls as errors, not the run as a hang.
  const timeouts = { headersTimeout: 10_000, bodyTimeout: 10_000 }
  const pool = new Pool(url, { connections, keepAliveTimeout: 30_000, ...timeouts })
  const latencies = new LatencyLog()
  const calls = []
  let errors = 0

  const call = async () => {
    const sentAt = performance.now()
    const ok = await callOnce(pool, request)
    if (ok) latencies.add(performance.now() - sentAt)
    else errors++
  }

  const startedAt = performance.now()
  await new Promise((resolve) => {
    const total = Math.round(rate * seconds)
    // Node's timers fire at best each millisecond: the calls due since the last tick go out
    // together, a handful at a time.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * rate))
      while (calls.length < due) calls.push(call())
      if (calls.length === total) resolve(clearInterval(timer))
    }, 1)
  })
  await Promise.all(calls)
  const elapsedS = (performance.now() - startedAt) / 1000
  await pool.close()
  return { served: latencies.count, errors, elapsedS, latencies }
}

/** One call, its answer read to the end; whether it was a 2xx. */
async function callOnce(pool, request) {
  try {
    const { statusCode, body } = await pool.request({
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body,
    })
    for await (const chunk of body) void chunk
    return statusCode >= 200 && statusCode < 300
  } catch {
    return false
  }
}
