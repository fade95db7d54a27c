import { GoogleGenAI } from '@google/genai'
import { request } from 'node:http'
import type { Test } from 'tap'
import type { ConfigInput } from '../../src/config/schema.js'
import type { SimCall } from '../../src/simulator/index.js'
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js'

/** keypool in front of the simulator with three keys in three projects (issue: affinity). */

export const APP_TOKEN = 'client-token-app-0001'
export const OTHER_TOKEN = 'client-token-other-0002'

export const THREE_PROJECTS = [
  { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
  { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
]

export function threeProjects(
  t: Test,
  config: Partial<ConfigInput> = {},
  extra: StackOptions = {},
) {
  return startStack(t, {
    ...extra,
    config: {
      keys: THREE_PROJECTS,
      pools: { main: { keys: THREE_PROJECTS.map((k) => k.id) } },
      clients: [
        { id: 'app', token: APP_TOKEN },
        { id: 'other', token: OTHER_TOKEN },
      ],
      // Room for many calls: the clock is manual, a spent minute would never pass.
      limits: [{ models: 'gemini-2.5-flash', rpm: 1000, rpd: 100_000 }],
      ...config,
    },
  })
}

export function genai(stack: Stack, token = APP_TOKEN, apiVersion?: string): GoogleGenAI {
  const httpOptions = { baseUrl: stack.url, ...(apiVersion ? { apiVersion } : {}) }
  return new GoogleGenAI({ apiKey: token, httpOptions })
}

/** The simulator's calls whose path contains `part`. */
export function callsTo(stack: Stack, part: string): SimCall[] {
  return stack.sim.calls.filter((call) => call.path.includes(part))
}

export function projectsOf(calls: readonly SimCall[]): string[] {
  return [...new Set(calls.map((call) => call.project ?? '-'))]
}

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

/** A plain HTTP call with node:http (nothing adds headers or a key), to keypool or any URL. */
export function call(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Reply> {
  const framed = { ...headers }
  if (body !== undefined) framed['content-length'] = String(Buffer.byteLength(body))
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: framed }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: any
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The ErrorInfo reason keypool put in an error body. */
export function keypoolCode(reply: Reply): string | undefined {
  const details = (reply.json?.error?.details ?? []) as Array<Record<string, any>>
  return details.find((d) => d.domain === 'keypool')?.metadata?.code
}
