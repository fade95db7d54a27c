import { runAutocannon } from '../load/autocannon-run.js'
import { runFirstByte } from '../load/first-byte.js'
import { runPaced } from '../load/paced-run.js'
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
 * One offered rate, spread evenly over the second, below what any target serves, on up to 64
 * connections. Saturated, the faster server batches more requests per event-loop turn and its
 * CPU per request drops with it (the floor's moved from 53 to 88 µs between two runs); paced,
 * every target does the same work in the same rhythm, as a sidecar below its limit does.
 */
export const OFFERED_RATE = 3000

export function rateScenarios(mode) {
  // The saturated loads ran the same requests just before: no warm-up needed.
  return [
    pacedScenario('unary-rate', 'Unary at a fixed rate', unaryRequest, mode.rateS),
    pacedScenario('sse-rate', 'SSE at a fixed rate', sseRequest, mode.rateS),
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

function loadScenario(name, title, request, connections, seconds) {
  const load = (url, shape, runSeconds) =>
    runAutocannon({ url, request: shape, connections, seconds: runSeconds })
  return scenario(name, title, request, seconds, load)
}

function pacedScenario(name, title, request, seconds) {
  const load = (url, shape, runSeconds) =>
    runPaced({ url, request: shape, connections: 64, seconds: runSeconds, rate: OFFERED_RATE })
  return scenario(name, title, request, seconds, load)
}

/** A load run against each target with the credential that target expects. */
function scenario(name, title, request, seconds, load) {
  return {
    name,
    title,
    seconds,
    run: (target, runSeconds) => load(target.url, request(credentialFor(target.name)), runSeconds),
  }
}
