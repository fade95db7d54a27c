import { SIM_KEYS } from '../../dist/simulator/index.js'

/**
 * What the bench servers run with. Budgets are on, but high enough never to throttle the
 * measured model, so every request is admitted and sent: the run measures keypool's work,
 * not its waiting. `gemini-2.5-pro` is held to WAITING_RPM a minute per project so that calls
 * for it must wait (the deep-queue run).
 */

export const MODEL = 'gemini-2.5-flash'
export const WAITING_MODEL = 'gemini-2.5-pro'
export const CLIENT_TOKEN = 'bench-client-token-0001'
/**
 * Slow enough that 10,000 calls wait for hours, fast enough that the last of them is predicted
 * to go within a day: keypool refuses at once a call it predicts to wait longer than that.
 */
export const WAITING_RPM = 3

const NEVER_THROTTLED = { rpm: 1e9, tpm: 1e12, rpd: 1e12 }

/** Keys for the 1,000-key run: each its own project, the most work for key choice. */
export function manyKeys(count) {
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-${i}`,
    key: `bench-key-${i}`,
    project: `bench-p${i}`,
  }))
}

/** The simulator knows its built-in keys and those of the 1,000-key run; it never throttles. */
export function simulatorOptions(extraKeyCount) {
  const extra = manyKeys(extraKeyCount).map((k) => ({ key: k.key, project: k.project }))
  return { keys: [...SIM_KEYS, ...extra], limits: [{ models: '*', ...NEVER_THROTTLED }] }
}

/** Calls for the spent model that go at once: each project's first minute. */
export const WAITING_BURST = 3 * WAITING_RPM

/** Three of the simulator's keys, one project each, as keypool's config names them. */
const THREE_KEYS = ['alpha-1', 'beta-1', 'gamma-1'].map((id) => {
  const sim = SIM_KEYS.find((k) => k.key === `sim-key-${id}`)
  return { id, key: sim.key, project: sim.project }
})

/**
 * keypool's config input: one pool, one client with a token (a deployment beyond loopback
 * has clients, so each call is authenticated), and a queue deep enough for 10,000 calls that
 * may wait most of a day (3 projects at WAITING_RPM: about 18 hours for the last one).
 */
export function keypoolConfig(upstream, keys = THREE_KEYS) {
  return {
    server: { upstream, requestTimeout: '2d' },
    keys,
    limits: [
      { models: MODEL, ...NEVER_THROTTLED },
      { models: WAITING_MODEL, ...NEVER_THROTTLED, rpm: WAITING_RPM },
    ],
    pools: { main: { keys: keys.map((k) => k.id) } },
    queue: { maxSize: 20_000, maxWait: '2d' },
    clients: [{ id: 'bench', token: CLIENT_TOKEN, tier: 'premium' }],
  }
}
