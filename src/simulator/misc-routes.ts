import type { Call } from './call.js'
import { answerText } from './content.js'
import { plain, type Endpoint } from './endpoint.js'
import { invalidArgument, resourceDenied } from './errors.js'
import { asRecord, asString, type JsonRecord } from './json.js'
import { bareModel } from './models.js'
import { textTokens } from './prompt.js'
import type { Route } from './route.js'
import { isoTime, ownedBy } from './store.js'

/**
 * Ephemeral tokens (`auth_tokens`) and a minimal Interactions API: enough for a proxy to see
 * resources minted in one project and used later (gemini-wire.md section 5). Interactions answer
 * at once and do not stream.
 */

async function createAuthToken(call: Call): Promise<void> {
  if (!(await call.admit())) return
  const now = call.sim.clock.now()
  const body = asRecord(call.body) ?? {}
  const expireTime = asString(body.expireTime) ?? isoTime(now + 30 * 60_000)
  const resource: JsonRecord = { name: `auth_tokens/${call.sim.ids.resourceId()}`, expireTime }
  call.sim.store.authTokens.set(String(resource.name), {
    project: call.project!,
    expiresAt: Infinity,
    resource,
  })
  call.json(200, resource)
}

function inputText(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? '')
}

async function createInteraction(call: Call): Promise<void> {
  const body = asRecord(call.body) ?? {}
  if (body.stream === true)
    return call.fail(invalidArgument('The simulator does not stream interactions.'))
  if (!(await call.admit())) return
  const now = call.sim.clock.now()
  const model = bareModel(asString(body.model) ?? 'gemini-2.5-flash')
  const prompt = inputText(body.input)
  const text = answerText(prompt, model)
  const inputTokens = textTokens(prompt)
  const outputTokens = textTokens(text)
  const resource: JsonRecord = {
    id: `v1_${call.sim.ids.resourceId()}`,
    object: 'interaction',
    model,
    status: 'completed',
    created: isoTime(now),
    updated: isoTime(now),
    role: 'model',
    outputs: [{ type: 'text', text }],
    usage: {
      total_input_tokens: inputTokens,
      total_output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    },
  }
  call.sim.store.interactions.set(String(resource.id), {
    project: call.project!,
    expiresAt: Infinity,
    resource,
  })
  call.json(200, resource)
}

async function actOnInteraction(call: Call, action: 'get' | 'delete' | 'cancel'): Promise<void> {
  const id = call.route.segments[1] ?? ''
  const found = ownedBy(call.sim.store.interactions, id, call.project, call.sim.clock.now())
  if (!found) return call.fail(resourceDenied('Interaction', id))
  if (!(await call.admit())) return
  if (action === 'delete') {
    call.sim.store.interactions.delete(id)
    return call.json(200, {})
  }
  if (action === 'cancel' && found.resource.status !== 'completed')
    found.resource.status = 'cancelled'
  call.json(200, found.resource)
}

export function authTokensEndpoint(route: Route, method: string): Endpoint | null {
  return route.segments.length === 1 && method === 'POST' ? plain(createAuthToken) : null
}

export function interactionsEndpoint(route: Route, method: string): Endpoint | null {
  const { segments } = route
  if (segments.length === 1) return method === 'POST' ? plain(createInteraction) : null
  if (segments.length === 3 && segments[2] === 'cancel' && method === 'POST') {
    return plain((c) => actOnInteraction(c, 'cancel'))
  }
  if (segments.length !== 2) return null
  if (method === 'GET') return plain((c) => actOnInteraction(c, 'get'))
  return method === 'DELETE' ? plain((c) => actOnInteraction(c, 'delete')) : null
}
