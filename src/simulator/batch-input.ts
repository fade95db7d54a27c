import type { Call } from './call.js'
import { ErrorReply, invalidArgument, resourceDenied } from './errors.js'
import { asArray, asRecord, asString, field, type JsonRecord } from './json.js'
import { fileIdOf } from './prompt.js'
import { ownedBy } from './store.js'

/** The requests of a batch: inline in the body, or lines of a JSONL file of the project. */

export interface BatchItem {
  request: JsonRecord
  key?: string
  metadata?: unknown
}

export interface BatchInput {
  items: BatchItem[]
  viaFile: boolean
}

function inlineItems(requests: unknown[]): BatchItem[] {
  return requests.map((entry) => {
    const record = asRecord(entry) ?? {}
    const item: BatchItem = { request: asRecord(record.request) ?? {} }
    if (record.metadata !== undefined) item.metadata = record.metadata
    return item
  })
}

/** JSONL lines `{"key": …, "request": {…}}`; lines that are not JSON objects are skipped. */
function fileItems(bytes: Buffer): BatchItem[] {
  const items: BatchItem[] = []
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line.trim() === '') continue
    try {
      const record = asRecord(JSON.parse(line))
      if (!record) continue
      items.push({ request: asRecord(record.request) ?? {}, key: asString(record.key) ?? '' })
    } catch {
      // Google reports bad lines in the results; the simulator leaves them out.
    }
  }
  return items
}

export function readBatchInput(
  call: Call,
  config: JsonRecord | undefined,
): BatchInput | ErrorReply {
  const fileName = asString(field(config, 'fileName', 'file_name'))
  if (fileName !== undefined) {
    const id = fileIdOf(fileName) ?? fileName
    const file = ownedBy(call.sim.store.files, id, call.project, call.sim.clock.now())
    if (!file) return resourceDenied('File', id)
    return { items: file.bytes ? fileItems(file.bytes) : [], viaFile: true }
  }
  const requests = asArray(asRecord(config?.requests)?.requests)
  if (!requests || requests.length === 0) {
    return invalidArgument('* Batch.input_config: requests or file_name is required\n')
  }
  return { items: inlineItems(requests), viaFile: false }
}
