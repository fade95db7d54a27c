import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { answerText } from './content.js'
import type { SimContext } from './context.js'
import { apiKeyInvalid, ErrorReply, missingKey, notFound } from './errors.js'
import { asArray, asRecord, asString, type JsonRecord } from './json.js'
import { bareModel } from './models.js'
import { textTokens } from './prompt.js'
import type { SimCall } from './types.js'

/**
 * A minimal Live API (gemini-wire §1.8): `…/ws/google.ai.generativelanguage.{ver}.
 * GenerativeService.BidiGenerateContent[Constrained]`. The key is checked like REST (query or
 * header; an ephemeral token of the store for the Constrained method), then: the setup message
 * gets `setupComplete`, a text turn gets a model turn and `turnComplete`. Messages go out as
 * binary frames of JSON, as Google sends them.
 */

const LIVE_PATH =
  /^\/+ws\/google\.ai\.generativelanguage\.(v1beta|v1|v1alpha)\.GenerativeService\.(BidiGenerateContent(?:Constrained)?)$/

export interface SimLive {
  /** Sessions open now, by project. */
  openIn(project: string): number
  close(): void
}

interface Caller {
  readonly key: string
  readonly project: string
}

export function attachLive(server: Server, sim: SimContext): SimLive {
  const wss = new WebSocketServer({ noServer: true })
  const open = new Map<string, number>()
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const caller = liveCaller(sim, req)
    const call = record(sim, req, caller)
    if (caller instanceof ErrorReply) {
      if (call) call.status = caller.status
      return refuse(socket, caller)
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.set(caller.project, (open.get(caller.project) ?? 0) + 1)
      ws.once('close', () => {
        const left = (open.get(caller.project) ?? 1) - 1
        if (left > 0) open.set(caller.project, left)
        else open.delete(caller.project)
      })
      serve(ws, call)
    })
  })
  return {
    openIn: (project) => open.get(project) ?? 0,
    close: () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
  }
}

/** The caller's key and project, or Google's refusal. */
function liveCaller(sim: SimContext, req: IncomingMessage): Caller | ErrorReply {
  const url = req.url ?? '/'
  const mark = url.indexOf('?')
  const match = LIVE_PATH.exec(mark === -1 ? url : url.slice(0, mark))
  if (!match) return notFound(`Method not found: GET ${url}`)
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1))
  if (match[2] === 'BidiGenerateContentConstrained') return ephemeralCaller(sim, req, query)
  const header = req.headers['x-goog-api-key']
  const key = (Array.isArray(header) ? header[0] : header) ?? query.get('key')
  if (!key) return missingKey()
  const found = sim.keys.find(key)
  return found ? { key, project: found.project } : apiKeyInvalid()
}

/** An ephemeral token minted by `POST auth_tokens` is the credential of its project. */
function ephemeralCaller(
  sim: SimContext,
  req: IncomingMessage,
  query: URLSearchParams,
): Caller | ErrorReply {
  const header = /^Token\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1]
  const token = query.get('access_token') ?? header
  if (!token) return missingKey()
  const minted = sim.store.authTokens.get(token)
  if (!minted || minted.expiresAt <= sim.clock.now()) return apiKeyInvalid()
  return { key: token, project: minted.project }
}

/** One entry in the call log per session; its model is filled in by the setup. */
function record(
  sim: SimContext,
  req: IncomingMessage,
  caller: Caller | ErrorReply,
): SimCall | null {
  if (!sim.recordCalls) return null
  const isCaller = !(caller instanceof ErrorReply)
  const call: SimCall = {
    at: sim.clock.now(),
    key: isCaller ? caller.key : null,
    project: isCaller ? caller.project : null,
    model: null,
    operation: 'generate',
    method: 'GET',
    path: (req.url ?? '/').split('?')[0]!,
    status: 101,
    units: 0,
    tokens: 0,
    overLimit: false,
  }
  sim.calls.push(call)
  return call
}

function serve(ws: WebSocket, call: SimCall | null): void {
  let model: string | undefined
  ws.on('message', (data: RawData) => {
    const message = parse(data)
    if (!message) return ws.close(1007, 'Invalid JSON payload received.')
    const setup = asRecord(message.setup)
    if (setup) {
      model = bareModel(asString(setup.model) ?? 'gemini-live-2.5-flash-preview')
      if (call) call.model = model
      return send(ws, { setupComplete: {} })
    }
    if (model === undefined) return ws.close(1007, 'The first message must be a setup.')
    const prompt = promptOf(message)
    if (prompt !== undefined) answer(ws, model, prompt)
  })
}

/** The text of a `clientContent` turn (when complete) or of a `realtimeInput` text. */
function promptOf(message: JsonRecord): string | undefined {
  const content = asRecord(message.clientContent)
  if (content) {
    if (content.turnComplete !== true) return undefined
    const turns = asArray(content.turns) ?? []
    const parts = turns.flatMap((turn) => asArray(asRecord(turn)?.parts) ?? [])
    return parts.map((part) => asString(asRecord(part)?.text) ?? '').join('')
  }
  return asString(asRecord(message.realtimeInput)?.text)
}

function answer(ws: WebSocket, model: string, prompt: string): void {
  const text = answerText(prompt, model)
  send(ws, { serverContent: { modelTurn: { role: 'model', parts: [{ text }] } } })
  const usageMetadata = {
    promptTokenCount: textTokens(prompt),
    responseTokenCount: textTokens(text),
    totalTokenCount: textTokens(prompt) + textTokens(text),
  }
  send(ws, { serverContent: { turnComplete: true }, usageMetadata })
}

function send(ws: WebSocket, message: JsonRecord): void {
  if (ws.readyState === WebSocket.OPEN)
    ws.send(Buffer.from(JSON.stringify(message)), { binary: true })
}

function parse(data: RawData): JsonRecord | undefined {
  try {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(new Uint8Array(data))
    const text = bytes.toString('utf8')
    return asRecord(JSON.parse(text))
  } catch {
    return undefined
  }
}

function refuse(socket: Duplex, reply: ErrorReply): void {
  const body = JSON.stringify(reply.body)
  const head = [
    `HTTP/1.1 ${reply.status} Error`,
    'Content-Type: application/json; charset=UTF-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`)
}
