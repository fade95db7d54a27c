import type { ByteSink } from './byte-sink.js'
import type { JsonRecord } from './json.js'

/**
 * Project-scoped state (gemini-wire.md section 5): every resource belongs to the project of the
 * key that created it, and is invisible to keys of other projects.
 */

export interface Owned {
  readonly project: string
  /** Clock time after which the resource is gone; Infinity when it never expires. */
  expiresAt: number
}

export interface FileRecord extends Owned {
  /** The `File` resource as Google returns it. */
  readonly resource: JsonRecord
  /** The whole content when the simulator kept it (small files and batch results), else null. */
  readonly bytes: Buffer | null
}

export interface CacheRecord extends Owned {
  readonly resource: JsonRecord
  /** Model without `models/`: a generate call must use the same one. */
  readonly model: string
  readonly tokens: number
}

export interface BatchRecord extends Owned {
  readonly name: string
  readonly kind: 'generate' | 'embed'
  readonly model: string
  readonly displayName: string | undefined
  readonly createdAt: number
  /** Answers computed at creation, delivered once the batch is done. */
  readonly output: JsonRecord
  readonly requestCount: number
  cancelledAt: number | null
}

/** A resumable upload between its start and its finalizing chunk. */
export interface UploadSession {
  readonly project: string
  readonly mimeType: string
  readonly displayName: string | undefined
  readonly name: string | undefined
  readonly sink: ByteSink
}

export class ResourceStore {
  readonly files = new Map<string, FileRecord>()
  readonly caches = new Map<string, CacheRecord>()
  readonly batches = new Map<string, BatchRecord>()
  readonly uploads = new Map<string, UploadSession>()
  /** Ephemeral tokens and interactions: only their project matters. */
  readonly authTokens = new Map<string, Owned & { resource: JsonRecord }>()
  readonly interactions = new Map<string, Owned & { resource: JsonRecord }>()
}

/** A resource of `project` by id, or undefined when it is another project's, gone or unknown. */
export function ownedBy<T extends Owned>(
  map: Map<string, T>,
  id: string,
  project: string | null,
  now: number,
): T | undefined {
  const record = map.get(id)
  if (!record) return undefined
  if (record.expiresAt <= now) {
    map.delete(id)
    return undefined
  }
  return record.project === project ? record : undefined
}

/** The live resources of a project, newest last. */
export function listOwned<T extends Owned>(
  map: Map<string, T>,
  project: string | null,
  now: number,
): T[] {
  const found: T[] = []
  for (const [id, record] of map) {
    if (record.expiresAt <= now) map.delete(id)
    else if (record.project === project) found.push(record)
  }
  return found
}

/** ISO time for resource fields, from the clock. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}
