import { GoogleGenAI } from '@google/genai'
import { GoogleGenerativeAI, type GenerativeModel } from '@google/generative-ai'
import OpenAI from 'openai'
import type { Test } from 'tap'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import { ManualClock } from '../../src/util/clock.js'
import { rawCall } from './upstream-tap.js'

/** Starting the simulator for a test, and the clients that talk to it directly. */

export const ALPHA = 'sim-key-alpha-1'
export const ALPHA_2 = 'sim-key-alpha-2'
export const BETA = 'sim-key-beta-1'

export interface SimFixture {
  sim: Simulator
  clock: ManualClock
}

/** A simulator on port 0 with a ManualClock (unless one is given), closed in teardown. */
export async function startSim(t: Test, options: SimulatorOptions = {}): Promise<SimFixture> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock()
  const sim = await startSimulator({ clock, ...options })
  t.teardown(() => sim.close())
  return { sim, clock }
}

export function genai(sim: Simulator, apiKey = ALPHA, apiVersion?: string): GoogleGenAI {
  const httpOptions = apiVersion ? { baseUrl: sim.url, apiVersion } : { baseUrl: sim.url }
  return new GoogleGenAI({ apiKey, httpOptions })
}

/** A @google/generative-ai 0.24.1 model pointed at the simulator. */
export function legacyModel(
  sim: Simulator,
  model = 'gemini-2.5-flash',
  apiKey = ALPHA,
): GenerativeModel {
  return new GoogleGenerativeAI(apiKey).getGenerativeModel({ model }, { baseUrl: sim.url })
}

export function openai(sim: Simulator, apiKey = ALPHA): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${sim.url}/v1beta/openai/`, maxRetries: 0 })
}

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

/**
 * A plain HTTP call with node:http, so nothing (no fetch, no SDK) rewrites the path, adds
 * headers or decompresses the answer.
 */
export function raw(
  sim: Simulator,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  return rawCall(sim.url, method, path, options)
}

export function rawJson(
  sim: Simulator,
  path: string,
  body: unknown,
  key: string | null = ALPHA,
): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (key !== null) headers['x-goog-api-key'] = key
  return raw(sim, 'POST', path, { headers, body: JSON.stringify(body) })
}

export const GENERATE_PATH = '/v1beta/models/gemini-2.5-flash:generateContent'

export function textBody(text: string): unknown {
  return { contents: [{ role: 'user', parts: [{ text }] }] }
}
