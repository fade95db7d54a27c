import type { Call } from './call.js'
import { embedTexts } from './embed.js'
import type { Endpoint } from './endpoint.js'
import { invalidArgument, modelNotFound } from './errors.js'
import { asArray, asRecord, type JsonRecord } from './json.js'
import { openaiChat } from './openai-chat.js'
import { textTokens } from './prompt.js'
import type { Route } from './route.js'

/**
 * The OpenAI-compatible routes under `/v1beta/openai/` (gemini-wire.md section 1.7): chat
 * completions in `openai-chat.ts`, embeddings and models here.
 */

function inputsOf(input: unknown): string[] | null {
  if (typeof input === 'string') return [input]
  const list = asArray(input)
  if (!list || list.length === 0) return null
  return list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
}

/** Float32 little-endian bytes in base64, which the OpenAI SDK decodes (it asks by default). */
function base64Floats(values: number[]): string {
  const floats = new Float32Array(values)
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64')
}

async function embeddings(call: Call): Promise<void> {
  const body = asRecord(call.body) ?? {}
  if (!call.modelInfo) return call.fail(invalidArgument('model is required'))
  const inputs = inputsOf(body.input)
  if (!inputs) return call.fail(invalidArgument('input is required'))
  const tokens = inputs.reduce((sum, text) => sum + textTokens(text), 0)
  // Each input costs one request unit, as each item of batchEmbedContents does.
  if (!(await call.admit({ units: inputs.length, tokens }))) return

  const asked = Number(body.dimensions)
  const dimensions = asked > 0 ? Math.floor(asked) : call.sim.embeddingDimensions
  const isBase64 = body.encoding_format === 'base64'
  const data = embedTexts(inputs, dimensions).map((values, index) => ({
    object: 'embedding',
    index,
    embedding: isBase64 ? base64Floats(values) : values,
  }))
  const usage = { prompt_tokens: tokens, total_tokens: tokens }
  call.json(200, { object: 'list', data, model: call.model, usage })
}

function modelObject(name: string): JsonRecord {
  return { id: `models/${name}`, object: 'model', created: 0, owned_by: 'google' }
}

async function listModels(call: Call): Promise<void> {
  if (!(await call.admit())) return
  call.json(200, { object: 'list', data: call.sim.models.all.map((m) => modelObject(m.name)) })
}

async function getModel(call: Call): Promise<void> {
  const name = call.route.segments[call.route.segments.length - 1] ?? ''
  call.model = name
  const info = call.sim.models.find(name)
  if (!info) return call.fail(modelNotFound(name, call.route.version, 'get'))
  if (!(await call.admit())) return
  call.json(200, modelObject(info.name))
}

const CHAT: Endpoint = {
  operation: 'generate',
  handle: openaiChat,
  modelFrom: 'body',
  modelMethod: 'generateContent',
  streamFromBody: true,
}
const EMBEDDINGS: Endpoint = {
  operation: 'embed',
  handle: embeddings,
  modelFrom: 'body',
  modelMethod: 'embedContent',
}
const LIST_MODELS: Endpoint = { operation: 'other', handle: listModels }
const GET_MODEL: Endpoint = { operation: 'other', handle: getModel }

export function openaiEndpoint(route: Route, method: string): Endpoint | null {
  const path = route.segments.join('/')
  if (path === 'chat/completions') return method === 'POST' ? CHAT : null
  if (path === 'embeddings') return method === 'POST' ? EMBEDDINGS : null
  if (path === 'models') return method === 'GET' ? LIST_MODELS : null
  if (route.segments[0] === 'models' && method === 'GET') return GET_MODEL
  return null
}
