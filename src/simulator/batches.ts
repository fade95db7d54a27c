import { sha256HashOf } from './byte-sink.js'
import type { Call } from './call.js'
import type { SimContext } from './context.js'
import { embedTexts } from './embed.js'
import { plain, type Endpoint } from './endpoint.js'
import { resourceDenied, ErrorReply } from './errors.js'
import { readBatchInput, type BatchItem } from './batch-input.js'
import { createFile } from './files.js'
import { readGenerateInput } from './generate-request.js'
import { generateResponse } from './generate.js'
import { asRecord, asString, field, type JsonRecord } from './json.js'
import { paginate } from './paging.js'
import type { Route } from './route.js'
import { isoTime, listOwned, ownedBy, type BatchRecord } from './store.js'

/**
 * The Batch API (gemini-wire.md section 1.5): `batches/{id}` long-running operations. Results are
 * computed at creation and delivered once a batch has run for BATCH_RUN_MS of clock time. Batches
 * have their own limits at Google, so they take nothing from the interactive windows.
 */

const BATCH_RUN_MS = 1000
const TYPE_PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1main.'

type BatchState = 'BATCH_STATE_PENDING' | 'BATCH_STATE_SUCCEEDED' | 'BATCH_STATE_CANCELLED'

function stateOf(batch: BatchRecord, now: number): BatchState {
  if (batch.cancelledAt !== null) return 'BATCH_STATE_CANCELLED'
  return now >= batch.createdAt + BATCH_RUN_MS ? 'BATCH_STATE_SUCCEEDED' : 'BATCH_STATE_PENDING'
}

/** The Operation Google returns for a batch, in its state at `now`. */
function operationOf(batch: BatchRecord, now: number): JsonRecord {
  const state = stateOf(batch, now)
  const kind = batch.kind === 'generate' ? 'GenerateContentBatch' : 'EmbedContentBatch'
  const isDone = state !== 'BATCH_STATE_PENDING'
  const count = String(batch.requestCount)
  const metadata: JsonRecord = { '@type': `${TYPE_PREFIX}${kind}`, model: `models/${batch.model}` }
  if (batch.displayName !== undefined) metadata.displayName = batch.displayName
  metadata.createTime = isoTime(batch.createdAt)
  metadata.updateTime = isoTime(
    isDone ? (batch.cancelledAt ?? batch.createdAt + BATCH_RUN_MS) : batch.createdAt,
  )
  metadata.batchStats = isDone
    ? {
        requestCount: count,
        successfulRequestCount: state === 'BATCH_STATE_SUCCEEDED' ? count : '0',
      }
    : { requestCount: count, pendingRequestCount: count }
  metadata.state = state
  metadata.name = batch.name
  const operation: JsonRecord = { name: batch.name, metadata }
  if (state === 'BATCH_STATE_SUCCEEDED') {
    metadata.endTime = metadata.updateTime
    metadata.output = batch.output
    operation.done = true
    operation.response = { '@type': `${TYPE_PREFIX}${kind}Output`, ...batch.output }
  } else if (isDone) {
    operation.done = true
  }
  return operation
}

function generateOutput(call: Call, items: BatchItem[], viaFile: boolean): JsonRecord | ErrorReply {
  const answers: JsonRecord[] = []
  for (const item of items) {
    const input = readGenerateInput(call, item.request, true)
    if (input instanceof ErrorReply) return input
    const answer: JsonRecord = {
      response: generateResponse(call.model!, input, call.sim.ids.responseId()),
    }
    if (item.key !== undefined) answer.key = item.key
    else if (item.metadata !== undefined) answer.metadata = item.metadata
    answers.push(answer)
  }
  if (!viaFile) return { inlinedResponses: { inlinedResponses: answers } }
  return { responsesFile: resultsFile(call.sim, call.project!, answers) }
}

function embedOutput(call: Call, items: BatchItem[], viaFile: boolean): JsonRecord {
  const texts = items.map((item) => textOf(item.request))
  const vectors = embedTexts(texts, call.sim.embeddingDimensions)
  const answers = vectors.map((values) => ({ response: { embedding: { values } } }))
  if (!viaFile) return { inlinedEmbedContentResponses: { inlinedResponses: answers } }
  return { responsesFile: resultsFile(call.sim, call.project!, answers) }
}

function textOf(request: JsonRecord): string {
  const parts = asRecord(request.content)?.parts
  return Array.isArray(parts) ? parts.map((p) => asString(asRecord(p)?.text) ?? '').join('\n') : ''
}

/** Writes results as a JSONL file of the project, as Google's `responsesFile`. */
function resultsFile(sim: SimContext, project: string, answers: JsonRecord[]): string {
  const bytes = Buffer.from(answers.map((a) => JSON.stringify(a)).join('\n') + '\n')
  const file = createFile(sim, {
    project,
    mimeType: 'application/jsonl',
    sizeBytes: bytes.length,
    sha256Hash: sha256HashOf(bytes),
    bytes,
    source: 'GENERATED',
  })
  return String(file.resource.name)
}

async function createBatch(call: Call, kind: 'generate' | 'embed'): Promise<void> {
  const batch = asRecord(asRecord(call.body)?.batch) ?? {}
  const input = readBatchInput(call, asRecord(field(batch, 'inputConfig', 'input_config')))
  if (input instanceof ErrorReply) return call.fail(input)
  const output =
    kind === 'generate'
      ? generateOutput(call, input.items, input.viaFile)
      : embedOutput(call, input.items, input.viaFile)
  if (output instanceof ErrorReply) return call.fail(output)
  if (!(await call.admit())) return

  const id = call.sim.ids.resourceId()
  const record: BatchRecord = {
    project: call.project!,
    expiresAt: Infinity,
    name: `batches/${id}`,
    kind,
    model: call.model!,
    displayName: asString(field(batch, 'displayName', 'display_name')),
    createdAt: call.sim.clock.now(),
    output,
    requestCount: input.items.length,
    cancelledAt: null,
  }
  call.sim.store.batches.set(id, record)
  call.json(200, operationOf(record, record.createdAt))
}

export const batchGenerateContent = (call: Call): Promise<void> => createBatch(call, 'generate')
export const asyncBatchEmbedContent = (call: Call): Promise<void> => createBatch(call, 'embed')

function batchOf(call: Call): BatchRecord | undefined {
  return ownedBy(
    call.sim.store.batches,
    call.route.segments[1] ?? '',
    call.project,
    call.sim.clock.now(),
  )
}

async function listBatches(call: Call): Promise<void> {
  if (!(await call.admit())) return
  const now = call.sim.clock.now()
  const batches = listOwned(call.sim.store.batches, call.project, now)
  const page = paginate(batches, call.route.query, { default: 50, max: 1000 })
  const body: JsonRecord = {}
  if (page.items.length > 0) body.operations = page.items.map((b) => operationOf(b, now))
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken
  call.json(200, body)
}

/** get, cancel and delete of one batch. */
async function actOnBatch(call: Call, action: 'get' | 'cancel' | 'delete'): Promise<void> {
  const batch = batchOf(call)
  if (!batch) return call.fail(resourceDenied('Batch', call.route.segments[1] ?? ''))
  if (!(await call.admit())) return
  const now = call.sim.clock.now()
  if (action === 'get') return call.json(200, operationOf(batch, now))
  if (action === 'cancel') {
    if (stateOf(batch, now) === 'BATCH_STATE_PENDING') batch.cancelledAt = now
  } else {
    call.sim.store.batches.delete(call.route.segments[1] ?? '')
  }
  call.json(200, {})
}

export function batchesEndpoint(route: Route, method: string): Endpoint | null {
  const { segments, verb } = route
  if (segments.length === 1) return method === 'GET' && verb === null ? plain(listBatches) : null
  if (segments.length !== 2) return null
  if (verb === 'cancel') return method === 'POST' ? plain((c) => actOnBatch(c, 'cancel')) : null
  if (verb !== null) return null
  if (method === 'GET') return plain((c) => actOnBatch(c, 'get'))
  return method === 'DELETE' ? plain((c) => actOnBatch(c, 'delete')) : null
}
