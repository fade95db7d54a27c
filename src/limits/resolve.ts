import { LRUCache } from 'lru-cache'
import type { LimitConfig, UsageTier } from '../config/schema.js'
import { globToRegExp, isGlob } from '../util/glob.js'
import { DEFAULT_LIMIT_TABLES, type LimitTables, type TableRow } from './default-limits.js'

/**
 * Which budget a call for a model takes from, and that budget's limits (design section 3,
 * "Limits"). Every distinct model name has its own budget unless a `limits` glob groups several
 * (the glob then names the budget). Models that neither a table nor an entry knows all share
 * one budget per project, `other`, so junk model names cannot create unbounded state.
 */

/** Rate limits of a budget. Infinity means no limit of that kind. */
export interface RateLimits {
  readonly rpm: number
  readonly tpm: number
  readonly rpd: number
}

export interface BudgetLimits extends RateLimits {
  /** The budget's name within its project, and the metric label `model`. */
  readonly budgetModel: string
}

/**
 * Where the numbers came from: a built-in table, config `limits` entries, the pool's
 * `defaultLimits`, or entries on top of one of those (field by field).
 */
export type LimitSource = 'table' | 'config' | 'table+config' | 'default' | 'config+default'

export interface ResolvedLimits extends BudgetLimits {
  readonly source: LimitSource
}

/** The shared budget of models that no table and no `limits` entry knows. */
export const OTHER_BUDGET = 'other'

export interface DefaultLimits {
  readonly rpm: number
  readonly tpm: number
  readonly rpd: number
}

export interface ResolverOptions {
  /** The config's `limits` entries, in file order. */
  readonly limits: readonly LimitConfig[]
  /** The pool's `defaultLimits`, for models nothing else knows. */
  readonly defaultLimits: DefaultLimits
  readonly tables?: LimitTables
  /** Resolutions remembered; the least recently used is forgotten beyond this. */
  readonly maxEntries?: number
}

interface CompiledEntry {
  readonly pattern: string
  /** Undefined for an exact name. */
  readonly glob: RegExp | undefined
  readonly config: LimitConfig
}

type Field = keyof RateLimits
const FIELDS: readonly Field[] = ['rpm', 'tpm', 'rpd']

/**
 * Resolves limits for one pool. Results are memoised per (model, usageTier) in a bounded LRU;
 * a config reload builds a new resolver.
 */
export class LimitResolver {
  readonly #entries: readonly CompiledEntry[]
  readonly #defaults: DefaultLimits
  readonly #tables: LimitTables
  readonly #memo: LRUCache<string, ResolvedLimits>
  /** One object for every unknown model: no allocation for junk names, stable identity. */
  readonly #other: ResolvedLimits

  constructor(options: ResolverOptions) {
    this.#entries = compileEntries(options.limits)
    this.#defaults = options.defaultLimits
    this.#tables = options.tables ?? DEFAULT_LIMIT_TABLES
    this.#memo = new LRUCache({ max: options.maxEntries ?? 1024 })
    const { rpm, tpm, rpd } = options.defaultLimits
    this.#other = Object.freeze({ budgetModel: OTHER_BUDGET, source: 'default', rpm, tpm, rpd })
  }

  /** The budget and limits for `model` (with or without `models/`) under a key of `usageTier`. */
  resolve(model: string, usageTier: UsageTier): ResolvedLimits {
    const memoKey = `${usageTier}\u0000${model}`
    const known = this.#memo.get(memoKey)
    if (known) return known

    const resolved = resolveCompiled(
      stripModelPrefix(model),
      usageTier,
      this.#entries,
      this.#tables,
    )
    const result = resolved ? Object.freeze(fillDefaults(resolved, this.#defaults)) : this.#other
    this.#memo.set(memoKey, result)
    return result
  }
}

/** The one-shot form of `LimitResolver.resolve` (compiles the entries on every call). */
export function resolveLimits(
  model: string,
  usageTier: UsageTier,
  options: Omit<ResolverOptions, 'maxEntries'>,
): ResolvedLimits {
  return new LimitResolver({ ...options, maxEntries: 1 }).resolve(model, usageTier)
}

/** Whether a built-in table knows a model name, or (for a glob) any model the glob matches. */
export function isKnownModel(name: string, tables: LimitTables = DEFAULT_LIMIT_TABLES): boolean {
  const model = stripModelPrefix(name)
  const glob = isGlob(model) ? globToRegExp(model) : undefined
  for (const rows of Object.values(tables.tiers)) {
    if (glob ? Object.keys(rows).some((known) => glob.test(known)) : model in rows) return true
  }
  return false
}

export function stripModelPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model
}

/** Limits before the pool's defaults fill the gaps; undefined when nothing knows it. */
interface Draft {
  budgetModel: string
  rpm: number | undefined
  tpm: number | undefined
  rpd: number | undefined
  fromTable: boolean
  /** The fields some entry set. */
  configured: Set<Field>
}

function resolveCompiled(
  model: string,
  usageTier: UsageTier,
  entries: readonly CompiledEntry[],
  tables: LimitTables,
): Draft | undefined {
  const matching = entries.filter((e) => appliesTo(e, model, usageTier))
  const winner = matching[matching.length - 1]
  const base = winner?.glob
    ? groupBase(winner.glob, tables.tiers[usageTier])
    : tables.tiers[usageTier][model]
  if (!winner && !base) return undefined

  const partial: Draft = {
    budgetModel: winner ? winner.pattern : model,
    rpm: base?.rpm,
    tpm: base?.tpm,
    rpd: base ? (base.rpd ?? Infinity) : undefined,
    fromTable: base !== undefined,
    configured: new Set(),
  }
  for (const entry of matching) applyEntry(partial, entry.config)
  return partial
}

/** Entries override earlier (less specific) ones field by field. */
function applyEntry(partial: Draft, config: LimitConfig): void {
  for (const field of FIELDS) {
    const value = config[field]
    if (value === undefined) continue
    partial[field] = value
    partial.configured.add(field)
  }
}

function fillDefaults(partial: Draft, defaults: DefaultLimits): ResolvedLimits {
  return {
    budgetModel: partial.budgetModel,
    rpm: partial.rpm ?? defaults.rpm,
    tpm: partial.tpm ?? defaults.tpm,
    rpd: partial.rpd ?? defaults.rpd,
    source: sourceOf(partial),
  }
}

function sourceOf(partial: Draft): LimitSource {
  const configured = partial.configured.size
  if (configured === FIELDS.length) return 'config'
  if (partial.fromTable) return configured > 0 ? 'table+config' : 'table'
  return 'config+default'
}

/**
 * The members of a glob group share one budget, so its table numbers must not depend on which
 * member asks: each field is the least among the table's models that the glob matches.
 */
function groupBase(glob: RegExp, rows: Readonly<Record<string, TableRow>>): TableRow | undefined {
  let base: { rpm: number; tpm: number; rpd: number | null } | undefined
  for (const [name, row] of Object.entries(rows)) {
    if (!glob.test(name)) continue
    if (!base) {
      base = { rpm: row.rpm, tpm: row.tpm, rpd: row.rpd }
      continue
    }
    base.rpm = Math.min(base.rpm, row.rpm)
    base.tpm = Math.min(base.tpm, row.tpm)
    base.rpd = Math.min(base.rpd ?? Infinity, row.rpd ?? Infinity)
  }
  return base
}

function appliesTo(entry: CompiledEntry, model: string, usageTier: UsageTier): boolean {
  const tier = entry.config.usageTier
  if (tier !== undefined && tier !== usageTier) return false
  return entry.glob ? entry.glob.test(model) : entry.pattern === model
}

/**
 * Sorted from least to most specific, so that applying them in order lets the most specific
 * win: an exact name over a glob, a longer glob over a shorter, an entry with `usageTier` over
 * one without. Equal ones keep file order (the later wins).
 */
function compileEntries(limits: readonly LimitConfig[]): CompiledEntry[] {
  // An entry that sets only `liveSessions` says nothing of rate budgets and must not group them.
  const rated = limits.filter(
    (l) => l.rpm !== undefined || l.tpm !== undefined || l.rpd !== undefined,
  )
  const compiled = rated.map((config) => {
    const pattern = stripModelPrefix(config.models)
    return { pattern, glob: isGlob(pattern) ? globToRegExp(pattern) : undefined, config }
  })
  return compiled.sort(bySpecificity)
}

function bySpecificity(a: CompiledEntry, b: CompiledEntry): number {
  const exact = Number(a.glob === undefined) - Number(b.glob === undefined)
  if (exact !== 0) return exact
  const length = a.pattern.length - b.pattern.length
  if (length !== 0) return length
  return Number(a.config.usageTier !== undefined) - Number(b.config.usageTier !== undefined)
}
