import { DEFAULT_LIVE_SESSIONS, type LimitConfig, type UsageTier } from '../config/schema.js'
import { globToRegExp, isGlob } from '../util/glob.js'
import { stripModelPrefix } from './resolve.js'

/**
 * How many Live API sessions a project may hold open at once for a model (design section 3,
 * `limits[].liveSessions`, default 3). The most specific entry that sets `liveSessions` wins,
 * as for rate limits: an exact name over a glob, a longer glob over a shorter, an entry with
 * `usageTier` over one without. Models one glob matches share its sessions.
 */

export interface LiveLimit {
  /** The sessions' shared name within a project: the entry's pattern, or the model. */
  readonly group: string
  readonly max: number
}

interface Entry {
  readonly pattern: string
  readonly glob: RegExp | undefined
  readonly usageTier: UsageTier | undefined
  readonly max: number
}

export class LiveLimitResolver {
  readonly #entries: readonly Entry[]

  constructor(limits: readonly LimitConfig[]) {
    const entries: Entry[] = []
    for (const config of limits) {
      if (config.liveSessions === undefined) continue
      const pattern = stripModelPrefix(config.models)
      const glob = isGlob(pattern) ? globToRegExp(pattern) : undefined
      entries.push({ pattern, glob, usageTier: config.usageTier, max: config.liveSessions })
    }
    this.#entries = entries.sort(bySpecificity)
  }

  /** The limit for `model` (with or without `models/`) under a project of `usageTier`. */
  resolve(model: string, usageTier: UsageTier): LiveLimit {
    const name = stripModelPrefix(model)
    let winner: Entry | undefined
    for (const entry of this.#entries) {
      if (entry.usageTier !== undefined && entry.usageTier !== usageTier) continue
      const fits = entry.glob ? entry.glob.test(name) : entry.pattern === name
      if (fits) winner = entry
    }
    if (!winner) return { group: name, max: DEFAULT_LIVE_SESSIONS }
    return { group: winner.pattern, max: winner.max }
  }
}

/** Least specific first, so the last match is the most specific (as `LimitResolver` sorts). */
function bySpecificity(a: Entry, b: Entry): number {
  const exact = Number(a.glob === undefined) - Number(b.glob === undefined)
  if (exact !== 0) return exact
  const length = a.pattern.length - b.pattern.length
  if (length !== 0) return length
  return Number(a.usageTier !== undefined) - Number(b.usageTier !== undefined)
}
