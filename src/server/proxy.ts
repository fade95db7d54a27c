import type { Dispatcher } from 'undici'
import type { Config } from '../config/schema.js'
import { KeypoolError } from '../errors/keypool-error.js'
import { clientToken, queryParam, stripKeyParam, upstreamHeaders } from '../gemini/credentials.js'
import { classifyUpstreamError, type UpstreamVerdict } from '../gemini/upstream-error.js'
import type { KeypoolEvents, RetryReason } from '../observe/events.js'
import type { Affinity } from '../pool/affinity.js'
import { findPool, type Pool } from '../pool/pool.js'
import type { Lease, Scheduler } from '../pool/scheduler.js'
import {
  attemptUpstream,
  errorCode,
  type AnswerSink,
  type AttemptResult,
} from '../upstream/attempt.js'
import { fullJitterDelay } from '../upstream/backoff.js'
import { ResponseRelay, type AnswerHeaders } from '../upstream/relay.js'
import { toRealMs, type Clock } from '../util/clock.js'
import { formatDuration } from '../util/units.js'
import { assertDeclaredSize, readBody } from './body.js'
import type { Call } from './call.js'
import { callOptions } from './call-options.js'
import type { ClientAuth } from './client-auth.js'
import type { ClientQuotas } from './client-quota.js'
import { describeCall } from './describe-call.js'
import {
  acquireLease,
  findUploadSession,
  placeCall,
  uploadClient,
  watchAnswer,
} from './resource-affinity.js'
import { asKeypoolError, sendError } from './respond.js'

/** The status logged for a call whose client hung up first (nginx's convention). */
const CLIENT_GONE = 499

export interface ProxyContext {
  readonly config: Config
  readonly clock: Clock
  readonly dispatcher: Dispatcher
  /** The upstream's origin and any path prefix it was configured with. */
  readonly upstreamOrigin: string
  readonly upstreamPrefix: string
  readonly auth: ClientAuth
  readonly quotas: ClientQuotas
  /** The lowest tier's priority: `x-keypool-priority` cannot go below it. */
  readonly lowestPriority: number
  readonly pools: readonly Pool[]
  readonly scheduler: Scheduler
  /** Which project holds each resource, and the upload sessions started through keypool. */
  readonly affinity: Affinity
  readonly events: KeypoolEvents
  readonly random?: () => number
}

/**
 * The request path of design section 1, one step a line: authenticate, classify, admit, pick a
 * key, send (retrying on another key), stream back, account. Every call ends with an answer
 * or a definite error.
 */
export async function proxyCall(ctx: ProxyContext, call: Call): Promise<void> {
  call.res.once('close', () => {
    if (!call.res.writableFinished) call.cancel()
  })
  try {
    if (call.route.kind === 'upload') await findUploadSession(ctx, call)
    authenticate(ctx, call)
    const options = callOptions(call.req.headers, ctx.config)
    call.deadline = call.arrivedAt + options.allowedWaitMs
    call.headersDeadline = call.arrivedAt + options.totalMs
    call.priority = clampPriority(options.priority, call.client.priority, ctx.lowestPriority)
    // An upload's chunks belong to its start call, which the client's quota counted.
    call.ticket = call.upload ? undefined : ctx.quotas.admit(call.client, call.arrivedAt)
    await readCall(ctx, call)
    call.pool = choosePool(ctx, call)
    await placeCall(ctx, call)
    await sendWithRetries(ctx, call)
  } catch (error) {
    await refuse(ctx, call, error)
  }
}

/** A call may lower its priority, or raise it up to its tier's, never above nor below all tiers. */
function clampPriority(asked: number | undefined, tier: number, lowest: number): number {
  if (asked === undefined) return tier
  return Math.max(Math.min(asked, tier), Math.min(lowest, tier))
}

function authenticate(ctx: ProxyContext, call: Call): void {
  const token = clientToken(call.req.headers, call.route.query)
  call.keyInQuery = token !== undefined && queryParam(call.route.query, 'key') === token
  call.client = uploadClient(ctx, call) ?? ctx.auth.authenticate(token)
}

/** Reads what routing and accounting need: the body of model calls, the model, the cost. */
async function readCall(ctx: ProxyContext, call: Call): Promise<void> {
  const maxBytes = ctx.config.server.maxBodySize
  if (!holdsBody(call)) {
    assertDeclaredSize(call.req, maxBytes)
    return
  }
  call.body = await readBody(call.req, maxBytes)
  describeCall(call)
}

/** Uploads stream through; everything else is small enough to hold, so it can be resent. */
function holdsBody(call: Call): boolean {
  const method = call.req.method
  if (method === 'GET' || method === 'HEAD') return false
  return call.route.kind !== 'upload'
}

function choosePool(ctx: ProxyContext, call: Call): Pool {
  const pool = findPool(ctx.pools, call.operation, call.model)
  if (pool) return pool
  const detail = `no pool serves ${call.operation} calls for model "${call.model ?? '-'}"`
  throw new KeypoolError('KP_ERR_NO_KEY', { pool: '-', detail })
}

async function sendWithRetries(ctx: ProxyContext, call: Call): Promise<void> {
  const maxAttempts = ctx.config.retry.maxAttempts
  let held: Extract<AttemptResult, { kind: 'held' }> | undefined

  while (call.attempts < maxAttempts) {
    // A client gone during a backoff must not take another budget unit for an answer no one
    // will read; its call ends here and its request line says 499.
    stopIfGone(call)
    const askedAt = ctx.clock.now()
    let lease: Lease
    try {
      // When the keys died on the way (invalid, leaked), this throws keypool's 503 rather
      // than passing on Google's "API key not valid": the client's own token is fine.
      lease = await acquireLease(ctx, call)
    } catch (error) {
      // A call refused after it waited (its deadline, a shutdown, its client gone) still
      // reports its wait; one refused at once (queue full, wait too long) waited for nothing.
      if (endsAWait(call, error)) call.queueMs += ctx.clock.now() - askedAt
      throw error
    }
    call.attempts++
    call.queueMs += lease.waitedMs
    call.keyId = lease.key.id
    call.markTried(lease.key.id)

    const result = await sendOnce(ctx, call, lease)
    // An answer that reached the client ends the call, whole or broken.
    if (result.kind === 'answered' || result.kind === 'broken') return
    const next = await afterAttempt(ctx, call, lease, result)
    if (next === 'done') return
    if (result.kind === 'held') held = result
  }
  if (held) return passHeldAnswer(ctx, call, held)
  throw new KeypoolError('KP_ERR_UPSTREAM_UNREACHABLE', { detail: 'every attempt failed' })
}

function endsAWait(call: Call, error: unknown): boolean {
  if (call.cancellation.isCancelled) return true
  const code = error instanceof KeypoolError ? error.code : undefined
  return code === 'KP_ERR_QUEUE_TIMEOUT' || code === 'KP_ERR_SHUTTING_DOWN'
}

async function sendOnce(ctx: ProxyContext, call: Call, lease: Lease): Promise<AttemptResult> {
  const relay = newRelay(ctx, call)
  const sink = new AnswerToClient(ctx, call, lease, relay)
  const started = ctx.clock.now()
  const result = await attemptUpstream(ctx.dispatcher, upstreamRequest(ctx, call, lease), sink)
  const durationMs = ctx.clock.now() - started
  if (result.kind === 'answered' || result.kind === 'held' || result.kind === 'broken') {
    ctx.events.upstreamAnswered({
      requestId: call.requestId,
      pool: call.pool.name,
      operation: call.operation,
      key: lease.key.id,
      model: lease.budgetModel,
      status: result.status,
      durationMs,
    })
  }
  if (result.kind === 'answered') finishAnswer(ctx, call, lease, relay)
  if (result.kind === 'broken') breakAnswer(ctx, call, lease, relay, result.error)
  return result
}

function newRelay(ctx: ProxyContext, call: Call): ResponseRelay {
  const dialect = call.route.kind === 'openai' ? 'openai' : 'gemini'
  return new ResponseRelay(call.res, ctx.clock, call.isStream, dialect)
}

/** The answer let through: headers watched and completed, then bytes through the relay. */
class AnswerToClient implements AnswerSink {
  constructor(
    readonly ctx: ProxyContext,
    readonly call: Call,
    readonly lease: Lease,
    readonly relay: ResponseRelay,
  ) {}

  open(status: number, headers: AnswerHeaders): void {
    const { ctx, call, lease, relay } = this
    const answerHeaders = watchAnswer(ctx, call, lease, status, headers, relay)
    relay.writeHead(status, answerHeaders, ownHeaders(call))
  }

  write(chunk: Buffer): boolean {
    return this.relay.write(chunk)
  }

  whenDrained(resume: () => void): void {
    this.relay.whenDrained(resume)
  }

  end(): void {
    this.relay.end()
  }
}

function upstreamRequest(ctx: ProxyContext, call: Call, lease: Lease) {
  const query = stripKeyParam(call.route.query)
  const secret = lease.key.secret
  // One credential only: Google answers 401 to a key and a Bearer token together.
  const placement = call.route.kind === 'openai' ? 'bearer' : 'header'
  const inQuery = call.keyInQuery && placement === 'header'
  const keyQuery = inQuery ? `key=${encodeURIComponent(secret)}` : ''
  const fullQuery = query && keyQuery ? `${query}&${keyQuery}` : query || keyQuery
  const headerKey = inQuery ? undefined : secret
  const remaining = Math.max(1, call.headersDeadline - ctx.clock.now())
  return {
    origin: ctx.upstreamOrigin,
    path: ctx.upstreamPrefix + call.route.path + (fullQuery ? `?${fullQuery}` : ''),
    method: call.req.method ?? 'GET',
    headers: upstreamHeaders(call.req.rawHeaders, headerKey, placement, call.body?.length),
    body: call.body ?? (holdsBody(call) ? null : bodyStream(call)),
    headersTimeoutMs: Math.ceil(toRealMs(ctx.clock, remaining)),
    bodyTimeoutMs: Math.ceil(toRealMs(ctx.clock, ctx.config.server.streamIdleTimeout)),
    cancellation: call.cancellation,
  }
}

function bodyStream(call: Call) {
  const method = call.req.method
  return method === 'GET' || method === 'HEAD' ? null : call.req
}

/** keypool's own headers on its refusal of a call that reached the queue or upstream. */
function refusalHeaders(call: Call): Record<string, string> | undefined {
  if (call.attempts === 0 && call.queueMs === 0) return undefined
  return {
    'x-keypool-attempts': String(call.attempts),
    'x-keypool-queue-ms': String(Math.round(call.queueMs)),
  }
}

function ownHeaders(call: Call): Record<string, string> {
  return {
    'x-request-id': call.requestId,
    'x-keypool-key': call.keyId ?? '',
    'x-keypool-attempts': String(call.attempts),
    'x-keypool-queue-ms': String(Math.round(call.queueMs)),
  }
}

function finishAnswer(ctx: ProxyContext, call: Call, lease: Lease, relay: ResponseRelay): void {
  const usage = relay.usage.hasUsage ? relay.usage : undefined
  ctx.scheduler.settle(lease, { kind: 'answered', usage })
  if (usage) {
    ctx.events.tokensUsed({
      pool: call.pool.name,
      model: lease.budgetModel,
      client: call.client.id,
      usage,
    })
  }
  if (relay.firstByteAt !== undefined && call.isStream) {
    const seconds = (relay.firstByteAt - call.arrivedAt) / 1000
    ctx.events.firstByte({ pool: call.pool.name, model: lease.budgetModel, seconds })
  }
  if (call.isStream && !relay.usage.finished) {
    const reason = relay.usage.errored ? 'error-tail' : 'truncated'
    ctx.events.streamBroken({ ...streamIds(call, lease), reason, bytes: relay.bytes })
  }
  report(ctx, call, call.res.statusCode, undefined)
}

function breakAnswer(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  relay: ResponseRelay,
  error: Error,
): void {
  ctx.scheduler.settle(lease, { kind: 'failed' })
  const idle = errorCode(error) === 'UND_ERR_BODY_TIMEOUT'
  if (!call.cancellation.isCancelled) {
    ctx.events.streamBroken({
      ...streamIds(call, lease),
      reason: idle ? 'idle-timeout' : 'socket',
      bytes: relay.bytes,
    })
  }
  // The client must see the break as a break, not as a clean end of a shorter answer.
  call.res.destroy()
  report(ctx, call, call.res.statusCode, undefined)
}

function streamIds(call: Call, lease: Lease) {
  return {
    requestId: call.requestId,
    pool: call.pool.name,
    model: lease.budgetModel,
    key: lease.key.id,
  }
}

type Next = 'done' | 'retry'

/** Ends a call whose client hung up; `refuse` then logs it as 499 and answers no one. */
function stopIfGone(call: Call): void {
  const reason = call.cancellation.reason
  if (reason) throw reason
}

async function afterAttempt(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  result: Exclude<AttemptResult, { kind: 'answered' | 'broken' }>,
): Promise<Next> {
  switch (result.kind) {
    case 'held':
      return afterHeld(ctx, call, lease, result)
    case 'not-sent':
      ctx.scheduler.settle(lease, { kind: 'failed' })
      stopIfGone(call) // before the backoff: no one waits for its end
      return retryOrFail(ctx, call, lease, 'unreachable', unreachable(result.error))
    case 'lost':
      ctx.scheduler.settle(lease, { kind: 'failed' })
      return afterLost(ctx, call, lease, result.error)
  }
}

async function afterHeld(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  held: Extract<AttemptResult, { kind: 'held' }>,
): Promise<Next> {
  const verdict = classifyUpstreamError(held.status, held.body.toString('utf8'))
  ctx.scheduler.settle(lease, { kind: 'refused', verdict })
  if (verdict.kind === 'client') {
    if (verdict.warn) warnUpstream(ctx, call, lease, held)
    passHeldAnswer(ctx, call, held)
    return 'done'
  }
  const reason = retryReason(verdict)
  const isLast = call.attempts >= ctx.config.retry.maxAttempts || !canResend(call)
  // Google's 429 never reaches a client: the last attempt's refusal becomes keypool's own,
  // saying when a budget frees.
  if (isLast && reason === 'rate-limited') throw rateLimited(ctx, call)
  if (isLast) {
    passHeldAnswer(ctx, call, held)
    return 'done'
  }
  await pause(ctx, call, lease, reason)
  return 'retry'
}

function rateLimited(ctx: ProxyContext, call: Call): KeypoolError {
  const waitMs = ctx.scheduler.predictWait?.(call) ?? 60_000
  const params = {
    attempts: call.attempts,
    model: call.model ?? '-',
    retry: formatDuration(waitMs),
  }
  return new KeypoolError('KP_ERR_UPSTREAM_RATE_LIMITED', params, waitMs / 1000)
}

function retryReason(verdict: UpstreamVerdict): RetryReason {
  if (verdict.kind === 'server') return 'server-error'
  if (verdict.kind === 'disable-key' || verdict.kind === 'flag-key') return 'key-error'
  return 'rate-limited'
}

async function afterLost(ctx: ProxyContext, call: Call, lease: Lease, error: Error): Promise<Next> {
  stopIfGone(call)
  if (errorCode(error) === 'UND_ERR_HEADERS_TIMEOUT') {
    const timeout = formatDuration(call.headersDeadline - call.arrivedAt)
    throw new KeypoolError('KP_ERR_UPSTREAM_TIMEOUT', { timeout })
  }
  const lost = new KeypoolError('KP_ERR_ANSWER_LOST', { detail: describeError(error) })
  if (!call.isSafeToResend) throw lost
  return retryOrFail(ctx, call, lease, 'lost', lost)
}

async function retryOrFail(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  reason: RetryReason,
  final: KeypoolError,
): Promise<Next> {
  if (call.attempts >= ctx.config.retry.maxAttempts || !canResend(call)) throw final
  await pause(ctx, call, lease, reason)
  return 'retry'
}

/** A streamed body (an upload chunk) is gone once read; a held one can go again. */
function canResend(call: Call): boolean {
  if (call.body !== undefined) return true
  return bodyStream(call) === null || !call.req.readableDidRead
}

/** Backoff before the next attempt: jittered after 5xx and connection failures, none after 429s. */
async function pause(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  reason: RetryReason,
): Promise<void> {
  const { base, max } = ctx.config.retry.backoff
  const jitters = reason === 'server-error' || reason === 'unreachable' || reason === 'lost'
  const delayMs = jitters ? fullJitterDelay(call.attempts, base, max, ctx.random) : 0
  ctx.events.retried({
    requestId: call.requestId,
    pool: call.pool.name,
    key: lease.key.id,
    reason,
    attempt: call.attempts,
    delayMs,
  })
  if (delayMs > 0) await new Promise<void>((resolve) => ctx.clock.setTimer(delayMs, resolve))
}

function unreachable(error: Error): KeypoolError {
  return new KeypoolError('KP_ERR_UPSTREAM_UNREACHABLE', { detail: describeError(error) })
}

function describeError(error: Error): string {
  return errorCode(error) ?? error.name
}

function warnUpstream(
  ctx: ProxyContext,
  call: Call,
  lease: Lease,
  held: Extract<AttemptResult, { kind: 'held' }>,
): void {
  const message = held.body.toString('utf8').slice(0, 200)
  ctx.events.upstreamWarning({
    requestId: call.requestId,
    key: lease.key.id,
    status: held.status,
    message,
  })
}

/** An upstream error that ends the call goes to the client unchanged (design section 7). */
function passHeldAnswer(
  ctx: ProxyContext,
  call: Call,
  held: Extract<AttemptResult, { kind: 'held' }>,
): void {
  const relay = newRelay(ctx, call)
  relay.writeHead(
    held.status,
    { ...held.headers, 'content-length': String(held.body.length) },
    ownHeaders(call),
  )
  call.res.end(held.body)
  report(ctx, call, held.status, undefined)
}

async function refuse(ctx: ProxyContext, call: Call, error: unknown): Promise<void> {
  // A call never sent upstream is not counted against its client's quota.
  if (call.ticket && call.attempts === 0) ctx.quotas.release(call.ticket, ctx.clock.now())
  if (call.cancellation.isCancelled) return report(ctx, call, CLIENT_GONE, undefined)
  const refusal = asKeypoolError(error)
  if (refusal.code === 'KP_ERR_INTERNAL') {
    ctx.events.internalError({ requestId: call.requestId, error: error as Error })
  }
  if (refusal.code === 'KP_ERR_BAD_TOKEN' || refusal.code === 'KP_ERR_NO_TOKEN') {
    const address = call.req.socket.remoteAddress ?? '-'
    ctx.events.clientRefused({ requestId: call.requestId, address, code: refusal.code })
    await ctx.auth.delayRefusal(address)
  }
  sendError(call.res, refusal, call.requestId, refusalHeaders(call))
  report(ctx, call, refusal.httpStatus, refusal.code)
}

function report(ctx: ProxyContext, call: Call, status: number, code: string | undefined): void {
  const now = ctx.clock.now()
  ctx.events.requestFinished({
    requestId: call.requestId,
    client: call.client?.id ?? 'unauthenticated',
    pool: call.pool?.name ?? '-',
    operation: call.operation,
    model: call.model ?? '-',
    status,
    code,
    key: call.keyId,
    attempts: call.attempts,
    queueMs: Math.round(call.queueMs),
    durationMs: now - call.arrivedAt,
  })
}
