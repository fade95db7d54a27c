import type { SimKey, SimUsageTier } from './types.js'

/** The simulator's built-in keys; `config/keypool.sim.yaml` lists these exact strings. */
export const SIM_KEYS: readonly Readonly<SimKey>[] = Object.freeze([
  { key: 'sim-key-alpha-1', project: 'alpha', usageTier: 'free' },
  { key: 'sim-key-alpha-2', project: 'alpha', usageTier: 'free' },
  { key: 'sim-key-beta-1', project: 'beta', usageTier: 'free' },
  { key: 'sim-key-gamma-1', project: 'gamma', usageTier: 'free' },
  { key: 'sim-key-delta-1', project: 'delta', usageTier: 'free' },
])

export interface KeyRecord {
  readonly key: string
  readonly project: string
  readonly usageTier: SimUsageTier
}

/**
 * A Google project number for a project name: twelve digits derived from the name (FNV-1a), so
 * that error messages naming `projects/<number>` are stable across runs.
 */
export function projectNumber(project: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < project.length; i++) {
    hash ^= project.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return String(100_000_000_000 + (hash % 900_000_000_000))
}

/** The keys the simulator accepts, and the usage tier of each project. */
export class KeyRing {
  readonly #byKey = new Map<string, KeyRecord>()
  readonly #tierByProject = new Map<string, SimUsageTier>()

  constructor(keys: readonly SimKey[]) {
    for (const k of keys) {
      const usageTier = k.usageTier ?? 'free'
      this.#byKey.set(k.key, { key: k.key, project: k.project, usageTier })
      // A project's tier is its first key's: Google bills per project, not per key.
      if (!this.#tierByProject.has(k.project)) this.#tierByProject.set(k.project, usageTier)
    }
  }

  find(key: string): KeyRecord | undefined {
    return this.#byKey.get(key)
  }

  tierOf(project: string): SimUsageTier {
    return this.#tierByProject.get(project) ?? 'free'
  }
}
