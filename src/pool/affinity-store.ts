import type { Awaitable } from '../limits/store.js'

/**
 * Where resource-to-project pins live: memory now, Redis later (design section 11), in the
 * style of `BudgetStore`:
 * - Writes and reads return `Awaitable`: the memory store answers synchronously with plain
 *   values, Redis with Promises (`lookupMany` is one MGET, `pinIfAbsent` one SET NX + GET).
 * - Values are plain strings (a project, a key id, a client id), never runtime objects, so that
 *   a pin made by one replica serves every other.
 * - Time is always the caller's `now` (the injected clock), never the store's own; every pin
 *   carries its own end, because resources live for different times (files 48 h).
 * - The store is bounded: past its size the least recently used pins are forgotten. A
 *   forgotten pin only means a later call routes freely, as for a resource created elsewhere.
 */

export interface ResourcePin {
  /** The configured project (a key group) that holds the resource. */
  readonly project: string
  /** The key that must serve it (an upload session), when any key of the project will not do. */
  readonly key?: string
  /** The client that created it: an upload session or an ephemeral token is its credential. */
  readonly client?: string
}

export interface AffinityStore {
  /** Pins `name` to a project until `expiresAt` (clock ms), replacing any older pin. */
  pin(name: string, pin: ResourcePin, expiresAt: number): Awaitable<void>

  /** Pins `name` unless a live pin exists; returns the pin that holds after the call. */
  pinIfAbsent(
    name: string,
    pin: ResourcePin,
    expiresAt: number,
    now: number,
  ): Awaitable<ResourcePin>

  /** The live pins of several names, in order; undefined for unknown or expired ones. */
  lookupMany(names: readonly string[], now: number): Awaitable<Array<ResourcePin | undefined>>

  forget(name: string): Awaitable<void>

  /** How many pins are held, for the status page and tests. */
  readonly size: number
}
