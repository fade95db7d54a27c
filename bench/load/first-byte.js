import { Agent, request } from 'node:http'
import { LatencyLog } from './latency-log.js'

/**
 * Time to the first body byte of a stream, one call at a time on one kept-alive connection:
 * what a user waits before the first token shows. autocannon only sees whole answers.
 */
export async function runFirstByte({ url, request: shape, seconds }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const latencies = new LatencyLog()
  let errors = 0
  const startedAt = performance.now()
  const endAt = startedAt + seconds * 1000
  try {
    while (performance.now() < endAt) {
      const ms = await oneCall(agent, new URL(shape.path, url), shape)
      if (ms === undefined) errors++
      else latencies.add(ms)
    }
  } finally {
    agent.destroy()
  }
  const elapsedS = (performance.now() - startedAt) / 1000
  return { served: latencies.count, errors, elapsedS, latencies }
}

/** Milliseconds to the first body byte of a 2xx answer, read to its end; undefined otherwise. */
function oneCall(agent, target, shape) {
  return new Promise((resolve) => {
    const sentAt = performance.now()
    let firstAt
    const req = request(target, { method: shape.method, headers: shape.headers, agent }, (res) => {
      res.once('data', () => (firstAt = performance.now()))
      res.on('end', () => resolve(res.statusCode < 300 && firstAt ? firstAt - sentAt : undefined))
      res.resume()
    })
    req.on('error', () => resolve(undefined))
    req.end(shape.body)
  })
}
