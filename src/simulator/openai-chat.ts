import type { Call } from './call.js'
import { answerText, splitText } from './content.js'
import { invalidArgument } from './errors.js'
import { presetContextOf } from './fault-apply.js'
import { presetReply } from './fault-presets.js'
import type { StreamWriter } from './http-io.js'
import { asArray, asRecord, asString, type JsonRecord } from './json.js'
import { readPrompt, textTokens, type PromptFacts } from './prompt.js'

/**
 * OpenAI-style chat completions: a whole `chat.completion`, or `chat.completion.chunk` events
 * ending with `data: [DONE]` (that terminator is UNVERIFIED for Gemini; the OpenAI SDKs accept it).
 */

/** Messages as Gemini contents, so the token count follows the same rule as native calls. */
function promptOf(messages: unknown[]): PromptFacts {
  const contents = messages.map((message) => {
    const content = asRecord(message)?.content
    if (typeof content === 'string') return { parts: [{ text: content }] }
    const parts = (asArray(content) ?? []).map((part) => {
      const record = asRecord(part) ?? {}
      if (record.type === 'image_url') return { inlineData: { mimeType: 'image/png' } }
      return { text: asString(record.text) ?? '' }
    })
    return { parts }
  })
  return readPrompt(contents)
}

function chunkOf(
  call: Call,
  id: string,
  created: number,
  delta: JsonRecord,
  finish: string | null,
): JsonRecord {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model: call.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  }
}

function usageOf(prompt: PromptFacts, text: string): JsonRecord {
  const completion = textTokens(text)
  return {
    prompt_tokens: prompt.tokens,
    completion_tokens: completion,
    total_tokens: prompt.tokens + completion,
  }
}

function writeStream(
  call: Call,
  writer: StreamWriter,
  prompt: PromptFacts,
  text: string,
  includeUsage: boolean,
): void {
  const id = `chatcmpl-${call.sim.ids.responseId()}`
  const created = Math.floor(call.at / 1000)
  const pieces = splitText(text, call.sim.streamChunks)
  const cut = call.faults?.streamCut
  const tail = call.faults?.streamErrorTail
  const stopAt = Math.min(
    pieces.length,
    cut?.afterChunks ?? Infinity,
    tail?.afterChunks ?? Infinity,
  )
  for (let i = 0; i < stopAt; i++) {
    const isLast = !cut && !tail && i === pieces.length - 1
    const delta: JsonRecord =
      i === 0 ? { role: 'assistant', content: pieces[i] } : { content: pieces[i] }
    const chunk = chunkOf(call, id, created, delta, isLast ? 'stop' : null)
    if (isLast && includeUsage) chunk.usage = usageOf(prompt, text)
    writer.write(`data: ${JSON.stringify(chunk)}\n\n`)
  }
  if (tail) {
    const body = tail.body ?? presetReply(tail.preset ?? 'overloaded', presetContextOf(call)).body
    writer.write(
      tail.form === 'event' ? `data: ${JSON.stringify(body)}\n\n` : JSON.stringify(body, null, 2),
    )
  } else if (cut?.abrupt) {
    return writer.destroy()
  } else if (!cut) {
    writer.write('data: [DONE]\n\n')
  }
  writer.end()
}

export async function openaiChat(call: Call): Promise<void> {
  const body = asRecord(call.body) ?? {}
  if (!call.modelInfo) return call.fail(invalidArgument('model is required'))
  const messages = asArray(body.messages)
  if (!messages || messages.length === 0) return call.fail(invalidArgument('messages is required'))
  const prompt = promptOf(messages)
  if (!(await call.admit({ units: 1, tokens: prompt.tokens }))) return

  const text = answerText(prompt.lastText, call.model ?? '')
  if (call.isStream) {
    const includeUsage = asRecord(body.stream_options)?.include_usage === true
    const writer = call.stream(200, { 'content-type': 'text/event-stream' })
    return writeStream(call, writer, prompt, text, includeUsage)
  }
  call.json(200, {
    id: `chatcmpl-${call.sim.ids.responseId()}`,
    object: 'chat.completion',
    created: Math.floor(call.at / 1000),
    model: call.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: usageOf(prompt, text),
  })
}
