import { LRUCache } from 'lru-cache'
import type { AffinityStore, ResourcePin } from '../pool/affinity-store.js'

/** Pins held at most: about 100 bytes each, so the map stays in the tens of megabytes. */
export const DEFAULT_MAX_PINS = 200_000

interface Entry {
  readonly pin: ResourcePin
  readonly expiresAt: number
}

/**
 * Pins in this process's memory, in an LRU bounded by count. Expiry is checked against the
 * caller's clock on every read (not lru-cache's own timers), so tests move time by hand.
 */
export class MemoryAffinityStore implements AffinityStore {
  readonly #pins: LRUCache<string, Entry>

  constructor(maxPins = DEFAULT_MAX_PINS) {
    this.#pins = new LRUCache({ max: maxPins })
  }

  get size(): number {
    return this.#pins.size
  }

  pin(name: string, pin: ResourcePin, expiresAt: number): void {
    this.#pins.set(name, { pin, expiresAt })
  }

  pinIfAbsent(name: string, pin: ResourcePin, expiresAt: number, now: number): ResourcePin {
    const held = this.#live(name, now)
    if (held) return held
    this.pin(name, pin, expiresAt)
    return pin
  }

  lookupMany(names: readonly string[], now: number): Array<ResourcePin | undefined> {
    return names.map((name) => this.#live(name, now))
  }

  forget(name: string): void {
    this.#pins.delete(name)
  }

  #live(name: string, now: number): ResourcePin | undefined {
    const entry = this.#pins.get(name)
    if (!entry) return undefined
    if (entry.expiresAt > now) return entry.pin
    this.#pins.delete(name)
    return undefined
  }
}
