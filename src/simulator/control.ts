import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SimContext } from './context.js'
import { parseFault } from './fault-parse.js'
import { JSON_TYPE, readBody } from './http-io.js'
import type { Route } from './route.js'

/**
 * Control routes under `/__sim/`, so that a simulator in another process can be steered:
 *
 *   GET    /__sim/calls                   the call log      DELETE /__sim/calls   clear it
 *   GET    /__sim/faults                  armed faults      POST   /__sim/faults  arm one → {id}
 *   DELETE /__sim/faults                  clear all         DELETE /__sim/faults/{id}
 *   GET    /__sim/usage?project=P&model=M what the windows of (P, M) hold
 *
 * They take no key and are never logged as calls.
 */

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(payload) })
  res.end(payload)
}

async function addFault(sim: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req)
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch {
    return send(res, 400, { error: 'the body must be JSON' })
  }
  const fault = parseFault(value)
  if (typeof fault === 'string') return send(res, 400, { error: fault })
  send(res, 200, { id: sim.faults.add(fault) })
}

function usage(sim: SimContext, route: Route, res: ServerResponse): void {
  const project = route.query.get('project')
  const model = route.query.get('model')
  if (!project || !model) return send(res, 400, { error: 'give project and model' })
  const limits = sim.limits.limitsFor(project, sim.keys.tierOf(project), model)
  send(res, 200, sim.ledger.usage(sim.clock.now(), project, model, limits))
}

export async function handleControl(
  sim: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
): Promise<void> {
  const [area, id] = route.segments
  const method = req.method ?? 'GET'
  if (area === 'faults' && method === 'POST' && id === undefined) return addFault(sim, req, res)
  req.resume()
  if (area === 'calls' && method === 'GET') return send(res, 200, { calls: sim.calls })
  if (area === 'calls' && method === 'DELETE') {
    sim.calls.length = 0
    return send(res, 200, {})
  }
  if (area === 'faults' && method === 'GET') return send(res, 200, { faults: sim.faults.list() })
  if (area === 'faults' && method === 'DELETE') {
    if (id === undefined) sim.faults.clear()
    else if (!sim.faults.remove(id)) return send(res, 404, { error: `no fault ${id}` })
    return send(res, 200, {})
  }
  if (area === 'usage' && method === 'GET') return usage(sim, route, res)
  send(res, 404, { error: `no control route ${method} ${route.path}` })
}
