import type { Call } from './call.js'
import { invalidArgument, resourceDenied, type ErrorReply } from './errors.js'
import { asArray, asRecord, asString, field, type JsonRecord } from './json.js'
import { readPrompt, type PromptFacts } from './prompt.js'
import { ownedBy } from './store.js'

/** What a generateContent or countTokens body asks for, once checked. */
export interface GenerateInput {
  readonly prompt: PromptFacts
  /** Tokens of the cachedContent the request uses (0 without one). */
  readonly cachedTokens: number
  readonly wantsJson: boolean
}

const NO_CONTENTS = '* GenerateContentRequest.contents: contents is not specified\n'

/**
 * Checks that every file and cache the body names belongs to the caller's project (gemini-wire.md
 * section 5): another project's gets Google's 403, exactly as after a key rotation gone wrong.
 */
function checkFiles(call: Call, prompt: PromptFacts): ErrorReply | null {
  const now = call.sim.clock.now()
  for (const id of prompt.fileIds) {
    if (!ownedBy(call.sim.store.files, id, call.project, now)) return resourceDenied('File', id)
  }
  return null
}

function cachedTokensOf(call: Call, body: JsonRecord): number | ErrorReply {
  const name = asString(field(body, 'cachedContent', 'cached_content'))
  if (name === undefined) return 0
  const id = name.startsWith('cachedContents/') ? name.slice(15) : name
  const cache = ownedBy(call.sim.store.caches, id, call.project, call.sim.clock.now())
  if (!cache) return resourceDenied('CachedContent', id)
  if (call.modelInfo && cache.model !== call.modelInfo.name) {
    return invalidArgument(
      `Model used by GenerateContent request (models/${call.modelInfo.name}) and CachedContent ` +
        `(models/${cache.model}) has to be the same.`,
    )
  }
  return cache.tokens
}

/** Reads and checks a GenerateContentRequest; `requireContents` is false for countTokens. */
export function readGenerateInput(
  call: Call,
  body: JsonRecord,
  requireContents: boolean,
): GenerateInput | ErrorReply {
  const contents = body.contents
  const hasContents = asArray(contents)?.length !== 0 && contents !== undefined
  const cachedTokens = cachedTokensOf(call, body)
  if (typeof cachedTokens !== 'number') return cachedTokens
  if (requireContents && !hasContents) return invalidArgument(NO_CONTENTS)

  const prompt = readPrompt(contents, field(body, 'systemInstruction', 'system_instruction'))
  const denied = checkFiles(call, prompt)
  if (denied) return denied

  const config = asRecord(field(body, 'generationConfig', 'generation_config'))
  const mime = asString(field(config, 'responseMimeType', 'response_mime_type'))
  return { prompt, cachedTokens, wantsJson: mime === 'application/json' }
}
