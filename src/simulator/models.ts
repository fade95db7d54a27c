/**
 * The models the simulator serves, with the fields `models.get` and `models.list` return.
 * Names are examples (Google retires models often, gemini-wire.md section 4.2); the protocol
 * does not depend on them.
 */

const GENERATE_METHODS = [
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'createCachedContent',
  'batchGenerateContent',
]
const EMBED_METHODS = [
  'embedContent',
  'batchEmbedContents',
  'countTokens',
  'asyncBatchEmbedContent',
]

export interface ModelInfo {
  readonly name: string
  readonly isEmbedding: boolean
  /** The `models.get` body, built once. */
  readonly resource: Readonly<Record<string, unknown>>
  readonly methods: ReadonlySet<string>
}

const BUILT_IN: ReadonlyArray<[name: string, displayName: string]> = [
  ['gemini-2.5-pro', 'Gemini 2.5 Pro'],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash'],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite'],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash'],
  ['gemini-2.0-flash-lite', 'Gemini 2.0 Flash-Lite'],
  ['gemini-3-pro-preview', 'Gemini 3 Pro Preview'],
  ['gemini-3-flash-preview', 'Gemini 3 Flash Preview'],
  ['gemini-flash-latest', 'Gemini Flash Latest'],
  ['gemma-3-27b-it', 'Gemma 3 27B'],
  ['gemini-embedding-001', 'Gemini Embedding 001'],
]

function describe(name: string, displayName: string): ModelInfo {
  const isEmbedding = name.includes('embedding')
  const methods = isEmbedding ? EMBED_METHODS : GENERATE_METHODS
  const resource: Record<string, unknown> = {
    name: `models/${name}`,
    version: '001',
    displayName,
    description: `${displayName}, as served by the keypool simulator`,
    inputTokenLimit: isEmbedding ? 2048 : 1_048_576,
    outputTokenLimit: isEmbedding ? 1 : 65_536,
    supportedGenerationMethods: methods,
  }
  if (!isEmbedding)
    Object.assign(resource, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 })
  return { name, isEmbedding, resource: Object.freeze(resource), methods: new Set(methods) }
}

export class ModelCatalog {
  readonly #models = new Map<string, ModelInfo>()
  readonly #list: ModelInfo[] = []

  constructor(extra: readonly string[] = []) {
    for (const [name, displayName] of BUILT_IN) this.#add(describe(name, displayName))
    for (const name of extra) if (!this.#models.has(name)) this.#add(describe(name, name))
  }

  /** A model by its name, with or without the `models/` prefix. */
  find(name: string): ModelInfo | undefined {
    return this.#models.get(name.startsWith('models/') ? name.slice(7) : name)
  }

  get all(): readonly ModelInfo[] {
    return this.#list
  }

  #add(info: ModelInfo): void {
    this.#models.set(info.name, info)
    this.#list.push(info)
  }
}

/** A model name without its `models/` prefix. */
export function bareModel(name: string): string {
  return name.startsWith('models/') ? name.slice(7) : name
}
