import type { Call } from './call.js'
import { paginate } from './paging.js'

/** models.list and models.get: free calls that take no model quota. */

export async function listModels(call: Call): Promise<void> {
  if (!(await call.admit())) return
  // Default page size 50, maximum 1000 (v1 discovery document).
  const page = paginate(call.sim.models.all, call.route.query, { default: 50, max: 1000 })
  const body: Record<string, unknown> = { models: page.items.map((m) => m.resource) }
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken
  call.json(200, body)
}

/** The dispatcher has already answered 404 for an unknown model. */
export async function getModel(call: Call): Promise<void> {
  if (!(await call.admit())) return
  call.json(200, call.modelInfo?.resource ?? {})
}
