import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ByteSink } from './byte-sink.js'
import type { Call } from './call.js'
import { plain, type Endpoint } from './endpoint.js'
import { invalidArgument, invalidJson, notFound } from './errors.js'
import { createFile } from './files.js'
import { readBody } from './http-io.js'
import { asRecord, asString, field, type JsonRecord } from './json.js'
import { MultipartReader } from './multipart.js'
import type { Route } from './route.js'
import type { UploadSession } from './store.js'

/**
 * File uploads under `/upload/{ver}/files` (gemini-wire.md section 1.4): the resumable protocol
 * (start, then chunks to the returned URL, which needs no key) and the legacy multipart form.
 */

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** `{file:{…}}` from JS (camelCase) or Python (snake_case), or the bare object. */
function fileMetadata(body: unknown): JsonRecord {
  const record = asRecord(body)
  return asRecord(record?.file) ?? record ?? {}
}

function sessionOf(req: IncomingMessage, meta: JsonRecord, project: string): UploadSession {
  const mimeType =
    asString(field(meta, 'mimeType', 'mime_type')) ??
    header(req, 'x-goog-upload-header-content-type') ??
    'application/octet-stream'
  return {
    project,
    mimeType,
    displayName: asString(field(meta, 'displayName', 'display_name')),
    name: asString(meta.name),
    sink: new ByteSink(),
  }
}

async function startResumable(call: Call): Promise<void> {
  const raw = await readBody(call.req)
  let body: unknown
  try {
    body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
  } catch {
    return call.fail(invalidJson())
  }
  if (!(await call.admit())) return

  const id = randomBytes(24).toString('base64url')
  call.sim.store.uploads.set(id, sessionOf(call.req, fileMetadata(body), call.project!))
  // The origin the client reached, so the URL works even when the simulator listens on 0.0.0.0.
  const host = call.req.headers.host
  const origin = host ? `http://${host}` : call.sim.origin
  const base = `${origin}/upload/${call.route.version}/files`
  const url = `${base}?upload_id=${id}&upload_protocol=resumable`
  call.whole(200, { 'x-goog-upload-url': url, 'x-goog-upload-status': 'active' }, '')
}

function finishUpload(call: Call, session: UploadSession): void {
  const file = createFile(call.sim, {
    project: session.project,
    mimeType: session.mimeType,
    sizeBytes: session.sink.size,
    displayName: session.displayName,
    name: session.name,
    sha256Hash: session.sink.sha256Hash(),
    bytes: session.sink.bytes(),
  })
  call.json(200, { file: file.resource }, { 'x-goog-upload-status': 'final' })
}

/** A chunk to an upload URL: the upload_id is the credential, a key is optional. */
async function uploadChunk(call: Call): Promise<void> {
  const { req, sim } = call
  const id = call.route.query.get('upload_id') ?? ''
  call.key = header(req, 'x-goog-api-key') ?? call.route.query.get('key')
  const session = sim.store.uploads.get(id)
  if (!session) {
    req.resume()
    return call.fail(notFound('Upload session not found.'))
  }
  call.project = session.project
  const commands = (header(req, 'x-goog-upload-command') ?? 'upload').toLowerCase()
  const offset = Number(header(req, 'x-goog-upload-offset') ?? session.sink.size)
  if (commands.includes('query') || commands.includes('cancel'))
    return answerControl(call, id, session, commands)
  if (offset !== session.sink.size) {
    req.resume()
    return call.fail(
      invalidArgument(
        `Upload offset ${offset} does not match the ${session.sink.size} bytes received.`,
      ),
    )
  }
  for await (const chunk of req) session.sink.push(chunk as Buffer)
  if (!(await call.admit())) return

  if (!commands.includes('finalize')) {
    return call.whole(
      200,
      { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': session.sink.size },
      '',
    )
  }
  sim.store.uploads.delete(id)
  finishUpload(call, session)
}

async function answerControl(
  call: Call,
  id: string,
  session: UploadSession,
  commands: string,
): Promise<void> {
  call.req.resume()
  if (!(await call.admit())) return
  if (commands.includes('cancel')) {
    call.sim.store.uploads.delete(id)
    return call.whole(200, { 'x-goog-upload-status': 'cancelled' }, '')
  }
  const received = session.sink.size
  call.whole(200, { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': received }, '')
}

async function uploadMultipart(call: Call, contentType: string): Promise<void> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1]
  if (!boundary) {
    call.req.resume()
    return call.fail(invalidArgument('Multipart upload without a boundary.'))
  }
  const reader = new MultipartReader(boundary)
  let problem: string | null = null
  for await (const chunk of call.req) problem ??= reader.push(chunk as Buffer)
  const result = problem ?? reader.finish()
  if (typeof result === 'string')
    return call.fail(invalidArgument(`Bad multipart upload: ${result}`))
  let metadata: unknown
  try {
    metadata = JSON.parse(result.metadataJson)
  } catch {
    return call.fail(invalidJson())
  }
  if (!(await call.admit())) return

  const session = sessionOf(call.req, fileMetadata(metadata), call.project!)
  finishUpload(call, { ...session, sink: result.sink })
}

async function startUpload(call: Call): Promise<void> {
  const protocol = header(call.req, 'x-goog-upload-protocol')?.toLowerCase()
  const contentType = header(call.req, 'content-type') ?? ''
  if (protocol === 'multipart' || contentType.startsWith('multipart/')) {
    return uploadMultipart(call, contentType)
  }
  if (protocol === 'resumable') return startResumable(call)
  call.req.resume()
  call.fail(invalidArgument('Unsupported upload protocol; use resumable or multipart.'))
}

export function uploadEndpoint(route: Route, method: string): Endpoint | null {
  if (method !== 'POST' || route.segments.length !== 1 || route.segments[0] !== 'files') return null
  if (route.query.has('upload_id'))
    return plain(uploadChunk, { streamsBody: true, isCapability: true })
  return plain(startUpload, { streamsBody: true })
}
