import { runAutocannon } from '../load/autocannon-run.js'
import { runFirstByte } from '../load/first-byte.js'
import { credentialFor, sseRequest, unaryRequest } from './requests.js'

/**
 * The loads of perf-anchors.md: 64 connections for throughput and CPU per request, one
 * connection for the latency a single caller sees, and the first byte of a stream.
 * `run(target, seconds)` runs one; `seconds` says how long each measured run lasts.
 */

export function throughputScenarios(mode) {
  return [
    loadScenario('unary', 'Unary generateContent, 64 connections', unaryRequest, 64, mode.loadS),
    loadScenario('sse', 'Streaming (SSE), 64 connections', sseRequest, 64, mode.loadS),
  ]
}

/**
 * The same 64 connections held to one offered rate, below what any target serves. Saturated,
 * the faster server batches more requests per event-loop turn and its CPU per request drops
 * with it (the floor's moved from 53 to 88 µs between two runs); at one rate every target does
 * the same work in the same rhythm, as a sidecar below its limit does.
 */
export const OFFERED_RATE = 3000

export function rateScenarios(mode) {
  const rate = { overallRate: OFFERED_RATE }
  // The saturated loads ran the same requests just before: no warm-up needed.
  return [
    loadScenario('unary-rate', 'Unary at a fixed rate', unaryRequest, 64, mode.rateS, rate),
    loadScenario('sse-rate', 'SSE at a fixed rate', sseRequest, 64, mode.rateS, rate),
  ].map((scenario) => ({ ...scenario, warm: true }))
}

export function latencyScenarios(mode) {
  return [
    loadScenario('unary-1', 'Unary, 1 connection', unaryRequest, 1, mode.latencyS),
    {
      name: 'sse-first-byte',
      title: 'SSE first byte, 1 connection',
      seconds: mode.latencyS,
      run: (target, seconds) =>
        runFirstByte({ url: target.url, request: sseRequest(credentialFor(target.name)), seconds }),
    },
  ]
}

function loadScenario(name, title, request, connections, seconds, { overallRate } = {}) {
  return {
    name,
    title,
    seconds,
    run: (target, runSeconds) =>
      runAutocannon({
        url: target.url,
        request: request(credentialFor(target.name)),
        connections,
        seconds: runSeconds,
        overallRate,
      }),
  }
}
