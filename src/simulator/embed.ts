import type { Call } from './call.js'
import { embeddingVector } from './content.js'
import { invalidArgument } from './errors.js'
import { asArray, asRecord, field, type JsonRecord } from './json.js'
import { readPrompt } from './prompt.js'

/**
 * embedContent and batchEmbedContents. Each item of a batch costs one request unit: Google counts
 * every item against RPM (gemini-wire.md section 4.3).
 */

const MAX_BATCH = 100

interface EmbedItem {
  text: string
  tokens: number
  dimensions: number
}

function itemOf(call: Call, request: JsonRecord): EmbedItem {
  const prompt = readPrompt(request.content)
  const asked = Number(field(request, 'outputDimensionality', 'output_dimensionality'))
  const dimensions = asked > 0 ? Math.floor(asked) : call.sim.embeddingDimensions
  const texts: string[] = []
  for (const part of asArray(asRecord(request.content)?.parts) ?? []) {
    const text = asRecord(part)?.text
    if (typeof text === 'string') texts.push(text)
  }
  return { text: texts.join('\n'), tokens: prompt.tokens, dimensions }
}

function valuesOf(item: EmbedItem): { values: number[] } {
  return { values: embeddingVector(item.text, item.dimensions) }
}

export async function embedContent(call: Call): Promise<void> {
  const item = itemOf(call, asRecord(call.body) ?? {})
  if (!(await call.admit({ units: 1, tokens: item.tokens }))) return
  call.json(200, { embedding: valuesOf(item) })
}

export async function batchEmbedContents(call: Call): Promise<void> {
  const requests = asArray(asRecord(call.body)?.requests) ?? []
  if (requests.length === 0) {
    return call.fail(
      invalidArgument('* BatchEmbedContentsRequest.requests: requests is not specified\n'),
    )
  }
  if (requests.length > MAX_BATCH) {
    return call.fail(
      invalidArgument(
        `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH} requests can be in one batch\n`,
      ),
    )
  }
  const items = requests.map((r) => itemOf(call, asRecord(r) ?? {}))
  const tokens = items.reduce((sum, item) => sum + item.tokens, 0)
  if (!(await call.admit({ units: items.length, tokens }))) return
  call.json(200, { embeddings: items.map(valuesOf) })
}

/** Vectors for texts, shared with the OpenAI embeddings route and async embed batches. */
export function embedTexts(texts: readonly string[], dimensions: number): number[][] {
  return texts.map((text) => embeddingVector(text, dimensions))
}
