import type { Strategy } from '../config/schema.js'
import type { RuntimeKey } from './key.js'

/**
 * The keys of one Google Cloud project within one pool. They share that project's budgets, so
 * the scheduler chooses a project by its budget and then one of its keys here.
 */
export class ProjectGroup {
  readonly project: string
  readonly keys: readonly RuntimeKey[]
  #cursor = 0

  constructor(project: string, keys: readonly RuntimeKey[]) {
    this.project = project
    this.keys = keys
  }

  get hasActiveKey(): boolean {
    for (const key of this.keys) if (key.isActive) return true
    return false
  }

  /** Sum of the active keys' weights, for `strategy: weighted` between projects. */
  get activeWeight(): number {
    let sum = 0
    for (const key of this.keys) if (key.isActive) sum += key.weight
    return sum
  }

  /** Whether every active key was already tried by this call (a retry should go elsewhere). */
  isSpentFor(tried: ReadonlySet<string>): boolean {
    if (tried.size === 0) return false
    for (const key of this.keys) if (key.isActive && !tried.has(key.id)) return false
    return true
  }

  /**
   * An active key, preferring those the call has not tried; taken in turn, or by weight under
   * `strategy: weighted`. Undefined when no key of the project is active.
   */
  pickKey(
    tried: ReadonlySet<string>,
    strategy: Strategy,
    random: () => number,
  ): RuntimeKey | undefined {
    if (strategy === 'weighted') return this.#pickWeighted(tried, random)
    let fallback: RuntimeKey | undefined
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[(this.#cursor + i) % this.keys.length]!
      if (!key.isActive) continue
      if (!tried.has(key.id)) {
        this.#cursor = (this.#cursor + i + 1) % this.keys.length
        return key
      }
      fallback ??= key
    }
    return fallback
  }

  #pickWeighted(tried: ReadonlySet<string>, random: () => number): RuntimeKey | undefined {
    const fresh = this.keys.filter((k) => k.isActive && !tried.has(k.id))
    const candidates = fresh.length > 0 ? fresh : this.keys.filter((k) => k.isActive)
    let total = 0
    for (const key of candidates) total += key.weight
    let point = random() * total
    for (const key of candidates) {
      point -= key.weight
      if (point < 0) return key
    }
    return candidates.at(-1)
  }
}

/** Groups a pool's keys by project, in the order their first key appears. */
export function groupByProject(keys: readonly RuntimeKey[]): ProjectGroup[] {
  const byProject = new Map<string, RuntimeKey[]>()
  for (const key of keys) {
    const list = byProject.get(key.project)
    if (list) list.push(key)
    else byProject.set(key.project, [key])
  }
  return [...byProject].map(([project, list]) => new ProjectGroup(project, list))
}
