import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../util/clock.js'
import { IdSource } from './content.js'
import type { SimContext } from './context.js'
import { dispatch } from './dispatch.js'
import { FaultBook } from './faults.js'
import { KeyRing, SIM_KEYS } from './keys.js'
import { attachLive } from './live.js'
import { LimitResolver } from './limit-table.js'
import { ModelCatalog } from './models.js'
import { QuotaLedger } from './quota.js'
import { ResourceStore } from './store.js'
import type { Simulator, SimulatorOptions } from './types.js'

function createContext(options: SimulatorOptions): SimContext {
  const clock = options.clock ?? systemClock
  return {
    clock,
    keys: new KeyRing(options.keys ?? SIM_KEYS),
    models: new ModelCatalog(options.extraModels),
    limits: new LimitResolver(options.limits),
    ledger: new QuotaLedger(),
    faults: new FaultBook(() => clock.now()),
    store: new ResourceStore(),
    ids: new IdSource(),
    calls: [],
    recordCalls: options.recordCalls ?? true,
    embeddingDimensions: options.embeddingDimensions ?? 768,
    streamChunks: Math.max(1, options.streamChunks ?? 4),
    latencyMs: options.latencyMs ?? 0,
    origin: '',
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Starts the Gemini simulator (design section 10) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = createContext(options)
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    void dispatch(sim, req, res)
  })
  // Calls may legitimately take long (faults delay them); no Node default may cut them.
  server.requestTimeout = 0
  server.headersTimeout = 0
  const live = attachLive(server, sim)

  const host = options.host ?? '127.0.0.1'
  const port = await listen(server, options.port ?? 0, host)
  sim.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: sim.origin,
    port,
    calls: sim.calls,
    faults: sim.faults,
    clearCalls: () => {
      sim.calls.length = 0
    },
    usage: (project, model) => {
      const limits = sim.limits.limitsFor(project, sim.keys.tierOf(project), model)
      return sim.ledger.usage(sim.clock.now(), project, model, limits)
    },
    liveSessions: (project) => live.openIn(project),
    close: () =>
      new Promise<void>((resolve, reject) => {
        live.close()
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
