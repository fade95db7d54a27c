import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticate } from './auth.js'
import { Call } from './call.js'
import type { SimContext } from './context.js'
import { handleControl } from './control.js'
import type { Endpoint } from './endpoint.js'
import { googleError, invalidJson, modelNotFound, notFound } from './errors.js'
import { faultBeforeServing } from './fault-apply.js'
import { readBody } from './http-io.js'
import { asRecord, asString } from './json.js'
import { bareModel } from './models.js'
import { parseRoute } from './route.js'
import { findEndpoint } from './routes.js'

/**
 * The path of every call: route, read the body, authenticate, name the model, apply faults,
 * then the handler, which charges quota through `Call.admit` and answers.
 */

function parseJson(raw: Buffer): { value: unknown } | null {
  if (raw.length === 0) return { value: undefined }
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown }
  } catch {
    return null
  }
}

/** Names the call's model from the path or the body, before anything can refuse the call. */
function nameModel(call: Call, endpoint: Endpoint): void {
  const named =
    endpoint.modelFrom === 'path'
      ? call.route.segments[1]
      : endpoint.modelFrom === 'body'
        ? asString(asRecord(call.body)?.model)
        : undefined
  if (named !== undefined) call.model = bareModel(named)
}

/** False when Google would answer 404 for the model (already answered). */
function checkModel(call: Call, endpoint: Endpoint): boolean {
  if (call.model === null || !endpoint.modelFrom) return true
  const info = call.sim.models.find(call.model)
  const method = endpoint.modelMethod ?? 'generateContent'
  if (!info || (method !== 'get' && !info.methods.has(method))) {
    call.fail(modelNotFound(call.model, call.route.version, method))
    return false
  }
  call.modelInfo = info
  return true
}

async function serve(call: Call, endpoint: Endpoint): Promise<void> {
  call.operation = endpoint.operation
  call.isStream = endpoint.isStream === true
  const raw = endpoint.streamsBody ? null : await readBody(call.req)
  if (endpoint.modelFrom === 'path') nameModel(call, endpoint)

  if (!endpoint.isCapability) {
    const denied = authenticate(call)
    if (denied) return call.fail(denied)
  }
  if (raw) {
    const parsed = parseJson(raw)
    if (!parsed) return call.fail(invalidJson())
    call.body = parsed.value
    if (endpoint.streamFromBody && asRecord(call.body)?.stream === true) call.isStream = true
    if (endpoint.modelFrom === 'body') nameModel(call, endpoint)
  }
  if (!checkModel(call, endpoint)) return

  const { sim } = call
  call.faults = sim.faults.take({
    key: call.key,
    project: call.project,
    model: call.model,
    operation: call.operation,
    isStream: call.isStream,
  })
  const faulted = faultBeforeServing(call)
  if (faulted) return call.fail(faulted)
  await endpoint.handle(call)
}

export async function dispatch(
  sim: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const route = parseRoute(req.url ?? '/')
  if (route.api === 'control') return handleControl(sim, req, res, route)

  const call = new Call(sim, req, res, route)
  const endpoint = findEndpoint(route, req.method ?? 'GET')
  if (!endpoint) {
    req.resume()
    return call.fail(notFound(`Method not found: ${req.method ?? 'GET'} ${route.path}`))
  }
  try {
    await serve(call, endpoint)
  } catch (error) {
    // A simulator bug: answer like Google's 500 rather than hang the client.
    if (!res.headersSent)
      call.fail(googleError(500, 'INTERNAL', `Simulator error: ${String(error)}`))
    else res.destroy()
  }
}
