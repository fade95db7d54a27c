import { KeypoolError } from '../errors/keypool-error.js'
import { queryParam } from '../gemini/credentials.js'
import { ResourceScanner } from '../gemini/resource-scanner.js'
import {
  bodyMayNameResources,
  lessonOfAnswer,
  namesInBody,
  resourceInPath,
} from '../gemini/resources.js'
import type { RuntimeKey } from '../pool/key.js'
import type { Pool } from '../pool/pool.js'
import type { Lease } from '../pool/scheduler.js'
import type { ResponseRelay } from '../upstream/relay.js'
import type { Call } from './call.js'
import type { Client } from './client-auth.js'
import type { ProxyContext } from './proxy.js'
import { clientBase, rewriteUploadUrl } from './upload-url.js'

/**
 * The proxy's steps for project-scoped resources (design section 4): find the upload session
 * a chunk belongs to, pin a call to the project of the resources it names, and learn names
 * and upload sessions from the answers. See docs/resources.md.
 */

type Headers = Record<string, string | string[] | undefined>

/**
 * An upload chunk (`/upload/…?upload_id=`) belongs to a session started through keypool; an
 * unknown id is refused (case C22), a known one is the chunk's credential.
 */
export async function findUploadSession(ctx: ProxyContext, call: Call): Promise<void> {
  if (call.route.kind !== 'upload') return
  const uploadId = queryParam(call.route.query, 'upload_id')
  if (uploadId === undefined) return
  const session = await ctx.affinity.upload(uploadId)
  if (!session) throw new KeypoolError('KP_ERR_UNKNOWN_UPLOAD')
  call.upload = session
  call.project = session.project
}

/** The client of an upload chunk: the one that started its session, token or not. */
export function uploadClient(ctx: ProxyContext, call: Call): Client | undefined {
  if (!call.upload) return undefined
  const client = ctx.auth.byId(call.upload.client)
  // A session whose client left the config (a reload) is no credential any more.
  if (!client) throw new KeypoolError('KP_ERR_UNKNOWN_UPLOAD')
  return client
}

/**
 * Pins the call to the project of the resources it names, in its path or its held body;
 * names of two projects are refused. An upload start goes to its client's upload project.
 */
export async function placeCall(ctx: ProxyContext, call: Call): Promise<void> {
  if (call.upload) return
  const names: string[] = []
  const inPath = resourceInPath(call.route)
  if (inPath) names.push(inPath)
  if (call.body && bodyMayNameResources(call.route, call.req.method)) {
    names.push(...namesInBody(call.body))
  }
  if (call.route.kind === 'upload') bases.set(call, clientBase(call.req))
  // Most calls name nothing: they skip the store's round trip.
  if (names.length > 0) call.project = await ctx.affinity.projectOf(names)
  // A client's file list goes where its uploads go, so it lists its own files every time.
  if (call.project === undefined && (call.route.kind === 'upload' || isFileList(call))) {
    call.project = await ctx.affinity.uploadProject(call.client.id, call.pool)
  }
}

function isFileList(call: Call): boolean {
  return call.req.method === 'GET' && /^\/v1\w*\/files$/.test(call.route.path)
}

/**
 * How each upload start's client reached keypool, read while its request is fresh: Node
 * detaches the socket from a request whose body has been read, and the answer comes later.
 */
const bases = new WeakMap<Call, string>()

/** An upload chunk goes with the key that started its session while it can; else the scheduler. */
export function acquireLease(ctx: ProxyContext, call: Call): Promise<Lease> {
  const keyId = call.upload?.key
  if (keyId !== undefined && !call.tried.has(keyId)) {
    const key = keyById(call.pool, keyId)
    if (key?.isActive) return Promise.resolve({ key, budgetModel: 'other', waitedMs: 0 })
  }
  return ctx.scheduler.acquire(call)
}

const keysByPool = new WeakMap<Pool, Map<string, RuntimeKey>>()

function keyById(pool: Pool, id: string): RuntimeKey | undefined {
  let keys = keysByPool.get(pool)
  if (!keys) {
    keys = new Map(pool.keys.map((key) => [key.id, key]))
    keysByPool.set(pool, keys)
  }
  return keys.get(id)
}

/**
 * Watches a successful answer as it goes to the client: rewrites an upload URL to keypool and
 * opens its session, and reads the names the answer creates or lists, pinned once it ends
 * whole. Returns the headers to send.
 */
export function watchAnswer(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  status: number,
  headers: Headers,
  relay: ResponseRelay,
): Headers {
  if (status < 200 || status >= 300) return headers
  const project = lease.key.project
  const lesson = lessonOfAnswer(call.route, call.req.method)
  if (lesson) {
    const scanner = new ResourceScanner(lesson)
    relay.observe = (chunk) => scanner.scan(chunk)
    const pin = { project, client: call.client.id }
    relay.onFinish(() => settle(ctx, call, ctx.affinity.learn(scanner.names, pin)))
  }
  if (call.req.method === 'DELETE') {
    const name = resourceInPath(call.route)
    if (name) relay.onFinish(() => settle(ctx, call, ctx.affinity.forget(name)))
  }
  const uploadUrl = headers['x-goog-upload-url']
  if (typeof uploadUrl !== 'string') return headers
  return { ...headers, 'x-goog-upload-url': openUpload(ctx, call, lease, uploadUrl) }
}

/** Pins the session an upload start opened and points its URL at keypool. */
function openUpload(ctx: ProxyContext, call: Call, lease: Lease, upstreamUrl: string): string {
  const base = bases.get(call) ?? clientBase(call.req)
  const rewritten = rewriteUploadUrl(upstreamUrl, ctx.upstreamPrefix, base)
  // Never hand out Google's URL: the client would send its chunks around keypool.
  if (!rewritten) return `${base}${call.route.path}`
  const { project } = lease.key
  const session = { project, key: lease.key.id, client: call.client.id }
  // The memory store pins at once, before these headers reach the client and its first chunk.
  settle(ctx, call, ctx.affinity.openUpload(rewritten.uploadId, session))
  settle(ctx, call, ctx.affinity.keepUploadProject(call.client.id, project))
  return rewritten.url
}

/** A store write that fails is keypool's fault, reported, never the client's answer. */
function settle(ctx: ProxyContext, call: Call, write: Promise<void>): void {
  write.catch((error: unknown) => {
    ctx.events.internalError({ requestId: call.requestId, error: error as Error })
  })
}
