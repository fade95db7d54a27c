import { asArray, asRecord, asString, field, type JsonRecord } from './json.js'

/**
 * The simulator's own token count: ceil(characters / 4) for text, plus a fixed cost for each
 * media part. Deliberately plain; keypool estimates differently and corrects from usageMetadata.
 */
const MEDIA_TOKENS: ReadonlyArray<[prefix: string, tokens: number]> = [
  ['image/', 258],
  ['audio/', 800],
  ['video/', 2580],
]
const OTHER_MEDIA_TOKENS = 258

/** What the simulator needs to know about the contents of a request. */
export interface PromptFacts {
  tokens: number
  /** Ids of the `files/…` the request names through `fileData.fileUri`. */
  fileIds: string[]
  /** The last text part, which the deterministic answer quotes. */
  lastText: string
  /** Modality → tokens, for `promptTokensDetails`. */
  byModality: Map<string, number>
}

const FILE_ID = /(?:^|\/)files\/([^/?#:]+)/

/** The id in a file URI or name: `https://…/v1beta/files/abc` or `files/abc`. */
export function fileIdOf(uri: string): string | undefined {
  return FILE_ID.exec(uri)?.[1]
}

function mediaTokens(mimeType: string): number {
  for (const [prefix, tokens] of MEDIA_TOKENS) if (mimeType.startsWith(prefix)) return tokens
  return OTHER_MEDIA_TOKENS
}

function modalityOf(mimeType: string): string {
  if (mimeType.startsWith('image/')) return 'IMAGE'
  if (mimeType.startsWith('audio/')) return 'AUDIO'
  if (mimeType.startsWith('video/')) return 'VIDEO'
  return 'DOCUMENT'
}

class Counter {
  chars = 0
  media = new Map<string, number>()
  fileIds: string[] = []
  lastText = ''

  part(part: JsonRecord): void {
    const text = asString(part.text)
    if (text !== undefined) {
      this.chars += text.length
      this.lastText = text
      return
    }
    const inline = asRecord(field(part, 'inlineData', 'inline_data'))
    const file = asRecord(field(part, 'fileData', 'file_data'))
    const media = inline ?? file
    if (media) {
      const mime = asString(field(media, 'mimeType', 'mime_type')) ?? ''
      const modality = modalityOf(mime)
      this.media.set(modality, (this.media.get(modality) ?? 0) + mediaTokens(mime))
      const uri = asString(field(file, 'fileUri', 'file_uri'))
      const id = uri === undefined ? undefined : fileIdOf(uri)
      if (id !== undefined) this.fileIds.push(id)
      return
    }
    // Function calls and responses count by the length of their JSON.
    this.chars += JSON.stringify(part).length
  }

  content(content: unknown): void {
    if (typeof content === 'string') return this.part({ text: content })
    const record = asRecord(content)
    if (!record) return
    const parts = asArray(record.parts)
    if (parts) for (const p of parts) this.part(asRecord(p) ?? {})
    else if (record.text !== undefined || field(record, 'inlineData', 'fileData')) this.part(record)
  }

  facts(): PromptFacts {
    const textTokens = Math.ceil(this.chars / 4)
    const byModality = new Map<string, number>([['TEXT', textTokens]])
    let tokens = textTokens
    for (const [modality, count] of this.media) {
      byModality.set(modality, count)
      tokens += count
    }
    return { tokens, fileIds: this.fileIds, lastText: this.lastText, byModality }
  }
}

/** Reads `contents` (a Content, a list of them, or a string) and a system instruction. */
export function readPrompt(contents: unknown, systemInstruction?: unknown): PromptFacts {
  const counter = new Counter()
  if (systemInstruction !== undefined) counter.content(systemInstruction)
  const list = asArray(contents)
  if (list) for (const c of list) counter.content(c)
  else if (contents !== undefined) counter.content(contents)
  return counter.facts()
}

/** `promptTokensDetails` as Google lists them. */
export function modalityDetails(
  byModality: Map<string, number>,
): Array<{ modality: string; tokenCount: number }> {
  const details: Array<{ modality: string; tokenCount: number }> = []
  for (const [modality, tokenCount] of byModality)
    if (tokenCount > 0 || modality === 'TEXT') details.push({ modality, tokenCount })
  return details
}

/** Tokens of a piece of output text, by the same rule. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / 4)
}
