import type { Call } from './call.js'
import { plain, type Endpoint } from './endpoint.js'
import { ErrorReply, invalidArgument, modelNotFound, resourceDenied } from './errors.js'
import { readGenerateInput } from './generate-request.js'
import { asRecord, asString, field, type JsonRecord } from './json.js'
import { bareModel } from './models.js'
import { paginate } from './paging.js'
import type { Route } from './route.js'
import { isoTime, listOwned, ownedBy, type CacheRecord } from './store.js'

/**
 * cachedContents CRUD (gemini-wire.md section 1.6). Bodies are read whatever their content type:
 * @google/generative-ai 0.24.1 posts them as text/plain.
 */

const DEFAULT_TTL_MS = 3_600_000

/** Milliseconds of a Duration string such as `300s` or `1.5s`. */
function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.trim())
  return match ? Math.round(Number(match[1]) * 1000) : undefined
}

/** The expiry a body asks for (`ttl` or `expireTime`), or undefined when it names none. */
function expiryOf(body: JsonRecord, now: number): number | undefined | 'bad' {
  const ttl = asString(body.ttl)
  if (ttl !== undefined) return durationMs(ttl) === undefined ? 'bad' : now + durationMs(ttl)!
  const expireTime = asString(field(body, 'expireTime', 'expire_time'))
  if (expireTime === undefined) return undefined
  const at = Date.parse(expireTime)
  return Number.isNaN(at) ? 'bad' : at
}

async function createCache(call: Call): Promise<void> {
  const body = asRecord(call.body) ?? {}
  const now = call.sim.clock.now()
  const model = bareModel(asString(body.model) ?? '')
  const info = call.sim.models.find(model)
  if (!info?.methods.has('createCachedContent')) {
    return call.fail(modelNotFound(model, call.route.version, 'createCachedContent'))
  }
  const expiresAt = expiryOf(body, now) ?? now + DEFAULT_TTL_MS
  if (expiresAt === 'bad') return call.fail(invalidArgument('Invalid ttl or expireTime.'))
  const input = readGenerateInput(call, body, false)
  if (input instanceof ErrorReply) return call.fail(input)
  if (!(await call.admit())) return

  call.model = model
  const id = call.sim.ids.resourceId()
  const resource: JsonRecord = {
    name: `cachedContents/${id}`,
    model: `models/${model}`,
    createTime: isoTime(now),
    updateTime: isoTime(now),
    expireTime: isoTime(expiresAt),
  }
  const displayName = asString(field(body, 'displayName', 'display_name'))
  if (displayName !== undefined) resource.displayName = displayName
  resource.usageMetadata = { totalTokenCount: input.prompt.tokens }
  const record = { project: call.project!, expiresAt, resource, model, tokens: input.prompt.tokens }
  call.sim.store.caches.set(id, record)
  call.json(200, resource)
}

function cacheOf(call: Call): CacheRecord | undefined {
  const id = call.route.segments[1] ?? ''
  return ownedBy(call.sim.store.caches, id, call.project, call.sim.clock.now())
}

async function listCaches(call: Call): Promise<void> {
  if (!(await call.admit())) return
  const caches = listOwned(call.sim.store.caches, call.project, call.sim.clock.now())
  const page = paginate(caches, call.route.query, { default: 100, max: 1000 })
  const body: JsonRecord = {}
  if (page.items.length > 0) body.cachedContents = page.items.map((c) => c.resource)
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken
  call.json(200, body)
}

async function getCache(call: Call): Promise<void> {
  const cache = cacheOf(call)
  if (!cache) return call.fail(resourceDenied('CachedContent', call.route.segments[1] ?? ''))
  if (!(await call.admit())) return
  call.json(200, cache.resource)
}

async function updateCache(call: Call): Promise<void> {
  const cache = cacheOf(call)
  if (!cache) return call.fail(resourceDenied('CachedContent', call.route.segments[1] ?? ''))
  const now = call.sim.clock.now()
  const expiresAt = expiryOf(asRecord(call.body) ?? {}, now)
  if (expiresAt === 'bad') return call.fail(invalidArgument('Invalid ttl or expireTime.'))
  if (!(await call.admit())) return
  if (expiresAt !== undefined) {
    cache.expiresAt = expiresAt
    cache.resource.expireTime = isoTime(expiresAt)
  }
  cache.resource.updateTime = isoTime(now)
  call.json(200, cache.resource)
}

async function deleteCache(call: Call): Promise<void> {
  const id = call.route.segments[1] ?? ''
  if (!cacheOf(call)) return call.fail(resourceDenied('CachedContent', id))
  if (!(await call.admit())) return
  call.sim.store.caches.delete(id)
  call.json(200, {})
}

export function cachesEndpoint(route: Route, method: string): Endpoint | null {
  if (route.verb !== null) return null
  if (route.segments.length === 1) {
    if (method === 'POST') return plain(createCache)
    return method === 'GET' ? plain(listCaches) : null
  }
  if (route.segments.length !== 2) return null
  if (method === 'GET') return plain(getCache)
  if (method === 'PATCH') return plain(updateCache)
  return method === 'DELETE' ? plain(deleteCache) : null
}
