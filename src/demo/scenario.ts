import { randomBytes } from 'node:crypto'
import { planQuestions, type Question } from './questions.js'
import { seededRandom } from './random.js'

/**
 * The demo's numbers in one place: the simulator's built-in keys with small free-tier limits,
 * six clients in three tiers, and a RAG-like burst several times larger than the budgets.
 */

export const GENERATE_MODEL = 'gemini-2.5-flash'
export const EMBED_MODEL = 'gemini-embedding-001'

/** The simulator's built-in keys as keypool names them: three projects, alpha holding two. */
export const DEMO_KEYS = [
  { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
  { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
  { id: 'gamma-1', key: 'sim-key-gamma-1', project: 'gamma' },
] as const

/** Per (project, model) limits, given to the simulator and to keypool alike. */
export const DEMO_LIMITS = [
  { models: GENERATE_MODEL, rpm: 10, tpm: 250_000, rpd: 250 },
  { models: EMBED_MODEL, rpm: 20, tpm: 30_000, rpd: 1_000 },
] as const

export const TIERS = [
  { name: 'free', priority: 0 },
  { name: 'premium', priority: 1 },
  { name: 'vip', priority: 2 },
] as const

export type TierName = (typeof TIERS)[number]['name']

const CLIENTS_PER_TIER = 2

/** keypool's `queue.maxWait`: a call predicted to wait longer is refused at once. */
export const MAX_WAIT_MS = 120_000

/** Real milliseconds the simulator takes to answer a model call. */
export const SIM_LATENCY_MS = 60

export interface DemoSettings {
  /** Clock speed: 12 makes one minute of quota pass in 5 real seconds. */
  readonly scale: number
  /** SDK calls in all; each question is two (embed, then generate). */
  readonly calls: number
  readonly seed: number
}

export const DEFAULT_SETTINGS: DemoSettings = { scale: 12, calls: 360, seed: 1 }

export interface DemoClient {
  readonly id: string
  readonly tier: TierName
  readonly priority: number
  /** A keypool client token made for this run, sent where the SDK puts its API key. */
  readonly token: string
}

export interface Scenario {
  readonly settings: DemoSettings
  readonly clients: readonly DemoClient[]
  readonly questions: readonly Question<DemoClient>[]
  /** Generate calls all projects together may send in a minute: the tightest budget. */
  readonly generatePerMinute: number
  readonly embedPerMinute: number
}

export function buildScenario(settings: DemoSettings): Scenario {
  const clients = TIERS.flatMap((tier) =>
    Array.from({ length: CLIENTS_PER_TIER }, (_, i) => ({
      id: `${tier.name}-${i + 1}`,
      tier: tier.name,
      priority: tier.priority,
      token: `kp-demo-${randomBytes(12).toString('hex')}`,
    })),
  )
  const generatePerMinute = perMinute(GENERATE_MODEL)
  const random = seededRandom(settings.seed)
  const questions = planQuestions({
    clients,
    count: Math.ceil(settings.calls / 2),
    perMinute: generatePerMinute,
    random,
  })
  return { settings, clients, questions, generatePerMinute, embedPerMinute: perMinute(EMBED_MODEL) }
}

/** Distinct projects among the demo's keys. */
function projectCount(): number {
  return new Set(DEMO_KEYS.map((k) => k.project)).size
}

/** A model's rpm summed over the projects: what the whole pool may send in a minute. */
function perMinute(model: string): number {
  const limit = DEMO_LIMITS.find((l) => l.models === model)
  return (limit?.rpm ?? 0) * projectCount()
}
