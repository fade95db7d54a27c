import type { Call } from './call.js'
import type { SimContext } from './context.js'
import { plain, type Endpoint } from './endpoint.js'
import { invalidArgument, resourceDenied } from './errors.js'
import { paginate } from './paging.js'
import type { Route } from './route.js'
import { isoTime, listOwned, ownedBy, type FileRecord } from './store.js'

/** Files metadata routes. Uploads are in `upload.ts`; both share `createFile`. */

/** Google keeps files for 48 hours (gemini-wire.md section 1.4). */
const FILE_LIFETIME_MS = 48 * 3_600_000

export interface NewFile {
  project: string
  mimeType: string
  sizeBytes: number
  displayName?: string | undefined
  /** A requested `files/…` name; a random id otherwise. */
  name?: string | undefined
  /** base64 of the hex SHA-256, as Google writes `sha256Hash`. */
  sha256Hash: string
  /** The whole content, when the simulator keeps it. */
  bytes: Buffer | null
  source?: 'UPLOADED' | 'GENERATED'
}

export function createFile(sim: SimContext, file: NewFile): FileRecord {
  const requested = file.name?.startsWith('files/') ? file.name.slice(6) : file.name
  const id = requested || sim.ids.resourceId()
  const now = sim.clock.now()
  const resource: Record<string, unknown> = {
    name: `files/${id}`,
    mimeType: file.mimeType,
    sizeBytes: String(file.sizeBytes),
    createTime: isoTime(now),
    updateTime: isoTime(now),
    expirationTime: isoTime(now + FILE_LIFETIME_MS),
    sha256Hash: file.sha256Hash,
    uri: `${sim.origin}/v1beta/files/${id}`,
    state: 'ACTIVE',
    source: file.source ?? 'UPLOADED',
  }
  if (file.displayName !== undefined) resource.displayName = file.displayName
  if (file.bytes) resource.downloadUri = `${sim.origin}/v1beta/files/${id}:download?alt=media`
  const record: FileRecord = {
    project: file.project,
    expiresAt: now + FILE_LIFETIME_MS,
    resource,
    bytes: file.bytes,
  }
  sim.store.files.set(id, record)
  return record
}

function fileOf(call: Call): FileRecord | undefined {
  const id = call.route.segments[1] ?? ''
  return ownedBy(call.sim.store.files, id, call.project, call.sim.clock.now())
}

async function listFiles(call: Call): Promise<void> {
  if (!(await call.admit())) return
  const files = listOwned(call.sim.store.files, call.project, call.sim.clock.now()).reverse()
  const page = paginate(files, call.route.query, { default: 10, max: 100 })
  const body: Record<string, unknown> = {}
  if (page.items.length > 0) body.files = page.items.map((f) => f.resource)
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken
  call.json(200, body)
}

async function getFile(call: Call): Promise<void> {
  const file = fileOf(call)
  if (!file) return call.fail(resourceDenied('File', call.route.segments[1] ?? ''))
  if (!(await call.admit())) return
  call.json(200, file.resource)
}

async function deleteFile(call: Call): Promise<void> {
  const id = call.route.segments[1] ?? ''
  if (!fileOf(call)) return call.fail(resourceDenied('File', id))
  if (!(await call.admit())) return
  call.sim.store.files.delete(id)
  call.json(200, {})
}

async function downloadFile(call: Call): Promise<void> {
  const file = fileOf(call)
  if (!file) return call.fail(resourceDenied('File', call.route.segments[1] ?? ''))
  // The simulator keeps only small files whole; Google serves only generated files.
  if (!file.bytes)
    return call.fail(invalidArgument('Only generated or small uploaded files can be downloaded.'))
  if (!(await call.admit())) return
  const mimeType = String(file.resource.mimeType)
  call.whole(200, { 'content-type': mimeType }, file.bytes)
}

export function filesEndpoint(route: Route, method: string): Endpoint | null {
  const { segments, verb } = route
  if (segments.length === 1) return method === 'GET' && verb === null ? plain(listFiles) : null
  if (segments.length !== 2) return null
  if (verb === 'download') return method === 'GET' ? plain(downloadFile) : null
  if (verb !== null) return null
  if (method === 'GET') return plain(getFile)
  if (method === 'DELETE') return plain(deleteFile)
  return null
}
