import type { SimLimit, SimLimits, SimUsageTier } from './types.js'

/**
 * The simulator's own limits table (free tier, mid-2025 numbers from gemini-wire.md section 4.2).
 * It is deliberately separate from keypool's tables in `src/limits/`: a mistake there must not
 * hide behind the same mistake here.
 */
const DEFAULT_LIMITS: Readonly<Record<string, SimLimits>> = {
  'gemini-2.5-flash': { rpm: 10, tpm: 250_000, rpd: 250 },
  'gemini-2.5-pro': { rpm: 5, tpm: 250_000, rpd: 100 },
  'gemini-2.5-flash-lite': { rpm: 15, tpm: 250_000, rpd: 1000 },
  'gemini-2.0-flash': { rpm: 15, tpm: 1_000_000, rpd: 200 },
  'gemini-embedding-001': { rpm: 100, tpm: 30_000, rpd: 1000 },
}
const OTHER_MODELS: SimLimits = { rpm: 10, tpm: 250_000, rpd: 250 }

interface CompiledEntry {
  readonly entry: SimLimit
  readonly pattern: RegExp
  readonly specificity: number
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
}

/** Higher wins: project, then exact name, then glob length, then usage tier. */
function specificityOf(entry: SimLimit): number {
  const isExact = !/[*?]/.test(entry.models)
  return (
    (entry.project === undefined ? 0 : 1e9) +
    (isExact ? 1e8 : 0) +
    entry.models.length * 10 +
    (entry.usageTier === undefined ? 0 : 1)
  )
}

/** Resolves the limits of a (project, model), caching each answer: the table never changes. */
export class LimitResolver {
  readonly #entries: CompiledEntry[]
  readonly #cache = new Map<string, SimLimits>()

  constructor(overrides: readonly SimLimit[] = []) {
    this.#entries = overrides
      .map((entry) => ({
        entry,
        pattern: globToRegExp(entry.models),
        specificity: specificityOf(entry),
      }))
      .sort((a, b) => b.specificity - a.specificity)
  }

  limitsFor(project: string, tier: SimUsageTier, model: string): SimLimits {
    const cacheKey = `${project}\u0000${model}`
    const cached = this.#cache.get(cacheKey)
    if (cached) return cached

    const base = DEFAULT_LIMITS[model] ?? OTHER_MODELS
    const resolved: SimLimits = { ...base }
    const isSet = { rpm: false, tpm: false, rpd: false }
    for (const { entry, pattern } of this.#entries) {
      if (entry.project !== undefined && entry.project !== project) continue
      if (entry.usageTier !== undefined && entry.usageTier !== tier) continue
      if (!pattern.test(model)) continue
      for (const field of ['rpm', 'tpm', 'rpd'] as const) {
        const value = entry[field]
        if (value === undefined || isSet[field]) continue
        resolved[field] = value
        isSet[field] = true
      }
    }
    this.#cache.set(cacheKey, resolved)
    return resolved
  }
}
