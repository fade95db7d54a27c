import { hash, timingSafeEqual } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { ClientConfig, TierConfig } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import type { Clock } from '../util/clock.js'

export interface Client {
  /** A configured id, or `anonymous`: the only values that reach logs and metric labels. */
  readonly id: string
  readonly tier: string
  readonly priority: number
  readonly tierConfig: TierConfig
  /** sha256 of the token, kept to tell whether a later call comes from the same client. */
  readonly digest: Buffer | undefined
}

/** Failures from one address before answers slow down, and the most they are slowed. */
const FREE_FAILURES = 5
const MAX_PENALTY_MS = 10_000
const FAILURE_MEMORY_MS = 10 * 60_000

/**
 * Client tokens (design section 5): plain tokens are hashed at start, presented tokens are
 * hashed and compared in constant time, and repeated failures from one address are slowed.
 */
export class ClientAuth {
  readonly #byDigest = new Map<string, Client>()
  readonly #byId = new Map<string, Client>()
  /**
   * Tokens that passed the digest check, so a client's next call skips hashing (3.6 µs of a
   * call's CPU, `npm run bench`, profiled). Only a token equal to a configured one gets in,
   * so it never holds more entries than there are clients. A lookup compares strings only
   * when their hashes match, which a guessed token almost never does: it reveals no bytes.
   * Known shortcoming: a client configured by `tokenSha256` then has its plain token in this
   * process's memory from its first call on, where before only the digest was.
   */
  readonly #verified = new Map<string, Client>()
  readonly #anonymous: Client | undefined
  readonly #failures: LRUCache<string, { count: number }>
  readonly #clock: Clock

  constructor(clients: readonly ClientConfig[], tiers: Record<string, TierConfig>, clock: Clock) {
    this.#clock = clock
    // Failures age on the injected clock, like every other timer in keypool.
    this.#failures = new LRUCache({
      max: 10_000,
      ttl: FAILURE_MEMORY_MS,
      ttlAutopurge: false,
      ttlResolution: 0,
      perf: { now: () => clock.now() },
    })
    for (const c of clients) {
      const digest = c.tokenSha256 ? Buffer.from(c.tokenSha256, 'hex') : sha256(c.token ?? '')
      const tierConfig = tiers[c.tier] ?? { priority: 0 }
      const client = { id: c.id, tier: c.tier, priority: tierConfig.priority, tierConfig, digest }
      this.#byDigest.set(digest.toString('hex'), client)
      this.#byId.set(c.id, client)
    }
    this.#anonymous = clients.length === 0 ? anonymousClient(tiers) : undefined
  }

  get isAnonymous(): boolean {
    return this.#anonymous !== undefined
  }

  /** The client a token belongs to; throws the refusal the design prescribes. */
  authenticate(token: string | undefined): Client {
    if (this.#anonymous) return this.#anonymous
    if (!token) throw new KeypoolError('KP_ERR_NO_TOKEN')
    const known = this.#verified.get(token)
    if (known) return known

    const digest = sha256(token)
    const client = this.#byDigest.get(digest.toString('hex'))
    if (!client?.digest || !timingSafeEqual(client.digest, digest)) {
      throw new KeypoolError('KP_ERR_BAD_TOKEN')
    }
    this.#verified.set(token, client)
    return client
  }

  /**
   * The client with this id, for calls whose credential is a session that client opened
   * (an upload's chunks, an ephemeral token); undefined when no such client is configured.
   */
  byId(id: string | undefined): Client | undefined {
    if (this.#anonymous) return this.#anonymous
    return id === undefined ? undefined : this.#byId.get(id)
  }

  /** Whether a token belongs to this client (for routes a client may only ask about itself). */
  isSameClient(client: Client, token: string | undefined): boolean {
    if (!client.digest || !token) return false
    return timingSafeEqual(client.digest, sha256(token))
  }

  /** Records a refused token from `address`; returns how long to hold the refusal (ms). */
  penaltyFor(address: string): number {
    const entry = this.#failures.get(address) ?? { count: 0 }
    entry.count++
    this.#failures.set(address, entry)
    if (entry.count <= FREE_FAILURES) return 0
    return Math.min(MAX_PENALTY_MS, 250 * 2 ** (entry.count - FREE_FAILURES - 1))
  }

  /** Holds a refusal for the address's penalty, on the injected clock. */
  delayRefusal(address: string): Promise<void> {
    const ms = this.penaltyFor(address)
    if (ms === 0) return Promise.resolve()
    return new Promise((resolve) => this.#clock.setTimer(ms, resolve))
  }
}

function anonymousClient(tiers: Record<string, TierConfig>): Client {
  let lowest: [string, TierConfig] | undefined
  for (const entry of Object.entries(tiers)) {
    if (!lowest || entry[1].priority < lowest[1].priority) lowest = entry
  }
  const [tier, tierConfig] = lowest ?? ['free', { priority: 0 }]
  return { id: 'anonymous', tier, priority: tierConfig.priority, tierConfig, digest: undefined }
}

/** One-shot hashing: a Hash object per call cost 3 µs, a sixth of it (Node 20). */
function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer')
}
