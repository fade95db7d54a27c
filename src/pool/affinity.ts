import { KeypoolError } from '../errors/keypool-error.js'
import type { Clock } from '../util/clock.js'
import type { AffinityStore, ResourcePin } from './affinity-store.js'
import type { Pool } from './pool.js'

/**
 * Which project holds each resource (design section 4; gemini-wire §5). A resource created with
 * one project's key is invisible to every other project, so later calls that name it must go
 * to that project. keypool learns names from the answers that create or list them, and pins
 * them here; a name it never saw routes freely.
 */

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * How long a pin is kept, by the name's first segment. Files live 48 h at Google; upload
 * sessions a week; the rest as long as is useful, refreshed whenever an answer names them again.
 */
const LIFETIMES: Readonly<Record<string, number>> = {
  files: 48 * HOUR,
  uploads: 7 * DAY,
  clients: 48 * HOUR,
  cachedContents: 7 * DAY,
  auth_tokens: DAY,
  batches: 30 * DAY,
  operations: 30 * DAY,
  models: 30 * DAY,
  interactions: 30 * DAY,
  tunedModels: 365 * DAY,
  fileSearchStores: 365 * DAY,
}
const DEFAULT_LIFETIME = 7 * DAY

export interface AffinityOptions {
  readonly store: AffinityStore
  readonly clock: Clock
}

export class Affinity {
  readonly #store: AffinityStore
  readonly #clock: Clock
  /** Turns between projects for clients' first uploads. */
  #uploadTurn = 0

  constructor(options: AffinityOptions) {
    this.#store = options.store
    this.#clock = options.clock
  }

  get size(): number {
    return this.#store.size
  }

  /**
   * The one project that holds every known name, or undefined when none is known. Names of two
   * projects cannot be served by any key: KP_ERR_MIXED_PROJECTS.
   */
  async projectOf(names: readonly string[]): Promise<string | undefined> {
    if (names.length === 0) return undefined
    const pins = await this.#store.lookupMany(names, this.#clock.now())
    let project: string | undefined
    for (const pin of pins) {
      if (!pin || pin.project === project) continue
      if (project !== undefined) throw mixed(names, pins)
      project = pin.project
    }
    return project
  }

  /** Pins names an answer of `pin.project` created or listed. */
  async learn(names: Iterable<string>, pin: ResourcePin): Promise<void> {
    const now = this.#clock.now()
    for (const name of names) await this.#store.pin(name, pin, now + lifetimeOf(name))
  }

  async forget(name: string): Promise<void> {
    await this.#store.forget(name)
  }

  /** An upload session started through keypool: its id is the chunks' credential. */
  async openUpload(uploadId: string, pin: Required<ResourcePin>): Promise<void> {
    await this.learn([uploadName(uploadId)], pin)
  }

  async upload(uploadId: string): Promise<ResourcePin | undefined> {
    const [pin] = await this.#store.lookupMany([uploadName(uploadId)], this.#clock.now())
    return pin
  }

  async lookup(name: string): Promise<ResourcePin | undefined> {
    const [pin] = await this.#store.lookupMany([name], this.#clock.now())
    return pin
  }

  /**
   * The project a client's uploads go to: chosen once (projects in turn, so that clients
   * spread) and kept, so that the files of one conversation end up together (case C01). A
   * project that lost every key of the pool is chosen again.
   */
  async uploadProject(client: string, pool: Pool): Promise<string | undefined> {
    const name = `clients/${client}/uploads`
    const now = this.#clock.now()
    const [held] = await this.#store.lookupMany([name], now)
    if (held && hasActiveKey(pool, held.project)) return held.project
    const project = this.#nextProject(pool)
    if (project === undefined) return undefined
    const expiresAt = now + lifetimeOf(name)
    if (held) {
      await this.#store.pin(name, { project }, expiresAt)
      return project
    }
    return (await this.#store.pinIfAbsent(name, { project }, expiresAt, now)).project
  }

  /** Keeps a client's upload project for another lifetime after each upload. */
  async keepUploadProject(client: string, project: string): Promise<void> {
    await this.learn([`clients/${client}/uploads`], { project })
  }

  #nextProject(pool: Pool): string | undefined {
    const projects = [...new Set(pool.keys.filter((k) => k.isActive).map((k) => k.project))]
    if (projects.length === 0) return undefined
    return projects[this.#uploadTurn++ % projects.length]
  }
}

function uploadName(uploadId: string): string {
  return `uploads/${uploadId}`
}

function lifetimeOf(name: string): number {
  const slash = name.indexOf('/')
  return LIFETIMES[slash === -1 ? name : name.slice(0, slash)] ?? DEFAULT_LIFETIME
}

function hasActiveKey(pool: Pool, project: string): boolean {
  return pool.keys.some((key) => key.project === project && key.isActive)
}

function mixed(
  names: readonly string[],
  pins: ReadonlyArray<ResourcePin | undefined>,
): KeypoolError {
  const known = names.flatMap((name, i) => (pins[i] ? [`${name} in ${pins[i].project}`] : []))
  return new KeypoolError('KP_ERR_MIXED_PROJECTS', { resources: known.slice(0, 6).join(', ') })
}
