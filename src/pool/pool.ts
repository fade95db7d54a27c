import type { Operation, PoolConfig } from '../config/schema.js'
import { globToRegExp } from '../util/glob.js'
import type { RuntimeKey } from './key.js'

/** A configured pool at run time: which calls it serves and the keys that serve them. */
export class Pool {
  readonly name: string
  readonly config: PoolConfig
  readonly keys: readonly RuntimeKey[]
  readonly #operations: ReadonlySet<Operation> | undefined
  readonly #models: readonly RegExp[] | undefined

  constructor(name: string, config: PoolConfig, keys: readonly RuntimeKey[]) {
    this.name = name
    this.config = config
    this.keys = keys
    this.#operations = config.match.operations ? new Set(config.match.operations) : undefined
    this.#models = config.match.models?.map(globToRegExp)
  }

  /** A call without a model (files, caches) matches on its operation alone. */
  matches(operation: Operation, model: string | undefined): boolean {
    if (this.#operations && !this.#operations.has(operation)) return false
    if (!this.#models || model === undefined) return true
    return this.#models.some((re) => re.test(model))
  }
}

/** The first pool in file order whose `match` fits (design section 3). */
export function findPool(
  pools: readonly Pool[],
  operation: Operation,
  model: string | undefined,
): Pool | undefined {
  for (const pool of pools) if (pool.matches(operation, model)) return pool
  return undefined
}
