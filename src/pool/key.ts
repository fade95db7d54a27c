import type { KeyConfig, UsageTier } from '../config/schema.js'

export type KeyState = 'active' | 'flagged' | 'disabled'

/**
 * A configured key at run time. Its state is the key's own health (design section 8); budget
 * states (ok, cooling, exhausted) belong to the (project, model) budgets, not to keys.
 */
export class RuntimeKey {
  readonly id: string
  readonly project: string
  readonly usageTier: UsageTier
  readonly weight: number
  /** The secret. Never logged, never in a label, an error body or the status page. */
  readonly secret: string
  #state: KeyState = 'active'
  #reason: string | undefined
  #since: number | undefined

  constructor(config: KeyConfig) {
    this.id = config.id
    this.project = config.project ?? `key:${config.id}`
    this.usageTier = config.usageTier
    this.weight = config.weight
    this.secret = config.key ?? ''
  }

  get state(): KeyState {
    return this.#state
  }

  get reason(): string | undefined {
    return this.#reason
  }

  get since(): number | undefined {
    return this.#since
  }

  get isActive(): boolean {
    return this.#state === 'active'
  }

  /** Dead for good (invalid, leaked, unpaid): only a config change or reload brings it back. */
  disable(reason: string, now: number): void {
    this.#set('disabled', reason, now)
  }

  /** Out of rotation until a free probe passes. A disabled key stays disabled. */
  flag(reason: string, now: number): void {
    if (this.#state === 'disabled') return
    this.#set('flagged', reason, now)
  }

  restore(now: number): void {
    if (this.#state === 'disabled') return
    this.#set('active', undefined, now)
  }

  #set(state: KeyState, reason: string | undefined, now: number): void {
    this.#state = state
    this.#reason = reason
    this.#since = now
  }
}
