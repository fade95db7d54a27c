import type { Call } from './call.js'
import { answerText, splitText } from './content.js'
import { ErrorReply } from './errors.js'
import { presetContextOf } from './fault-apply.js'
import { presetReply } from './fault-presets.js'
import type { FaultOf } from './faults.js'
import { readGenerateInput, type GenerateInput } from './generate-request.js'
import type { StreamWriter } from './http-io.js'
import { asRecord, type JsonRecord } from './json.js'
import { modalityDetails, textTokens } from './prompt.js'

/** generateContent, streamGenerateContent (SSE and JSON array) and countTokens. */

function answerFor(model: string, input: GenerateInput): string {
  const text = answerText(input.prompt.lastText, model)
  return input.wantsJson ? JSON.stringify({ answer: text }) : text
}

function usageOf(input: GenerateInput, outputText: string): JsonRecord {
  const prompt = input.prompt.tokens + input.cachedTokens
  const candidates = textTokens(outputText)
  const usage: JsonRecord = {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
  }
  if (input.cachedTokens > 0) usage.cachedContentTokenCount = input.cachedTokens
  usage.promptTokensDetails = modalityDetails(input.prompt.byModality)
  return usage
}

function responseOf(
  model: string,
  text: string,
  usage: JsonRecord,
  id: string,
  isFinal: boolean,
): JsonRecord {
  const candidate: JsonRecord = { content: { parts: [{ text }], role: 'model' } }
  if (isFinal) candidate.finishReason = 'STOP'
  candidate.index = 0
  return { candidates: [candidate], usageMetadata: usage, modelVersion: model, responseId: id }
}

/** A whole GenerateContentResponse, also used for the results of batches. */
export function generateResponse(
  model: string,
  input: GenerateInput,
  responseId: string,
): JsonRecord {
  const text = answerFor(model, input)
  return responseOf(model, text, usageOf(input, text), responseId, true)
}

/** Reads the body and charges the call; null when it has been answered already. */
async function admitGenerate(call: Call): Promise<GenerateInput | null> {
  const input = readGenerateInput(call, asRecord(call.body) ?? {}, true)
  if (input instanceof ErrorReply) {
    call.fail(input)
    return null
  }
  const cost = { units: 1, tokens: input.prompt.tokens + input.cachedTokens }
  return (await call.admit(cost)) ? input : null
}

export async function generateContent(call: Call): Promise<void> {
  const input = await admitGenerate(call)
  if (!input) return
  call.json(200, generateResponse(call.model ?? '', input, call.sim.ids.responseId()))
}

export async function countTokens(call: Call): Promise<void> {
  const body = asRecord(call.body) ?? {}
  // @google/generative-ai wraps the request as `generateContentRequest`.
  const inner = asRecord(body.generateContentRequest) ?? body
  const input = readGenerateInput(call, inner, false)
  if (input instanceof ErrorReply) return call.fail(input)
  if (!(await call.admit())) return

  const answer: JsonRecord = { totalTokens: input.prompt.tokens + input.cachedTokens }
  if (input.cachedTokens > 0) answer.cachedContentTokenCount = input.cachedTokens
  answer.promptTokensDetails = modalityDetails(input.prompt.byModality)
  call.json(200, answer)
}

/** Writes one stream piece in the framing the client asked for. */
function frame(writer: StreamWriter, isSse: boolean, index: number, json: string): void {
  if (isSse) writer.write(`data: ${json}\r\n\r\n`)
  else writer.write(index === 0 ? `[${json}` : `,\r\n${json}`)
}

/**
 * Ends a 200 stream with an error object, as Google does under load (wire section 1.3): a raw
 * pretty-printed JSON tail, or a `data:` event.
 */
function writeErrorTail(
  call: Call,
  writer: StreamWriter,
  framing: { isSse: boolean; sent: number },
  tail: FaultOf<'streamErrorTail'>,
): void {
  const body = tail.body ?? presetReply(tail.preset ?? 'overloaded', presetContextOf(call)).body
  if (tail.form === 'event') {
    writer.write(`data: ${JSON.stringify(body)}\r\n\r\n`)
  } else {
    const joint = framing.isSse ? '' : framing.sent === 0 ? '[' : ',\r\n'
    writer.write(`${joint}${JSON.stringify(body, null, 2)}`)
  }
  writer.end()
}

export async function streamGenerateContent(call: Call): Promise<void> {
  const input = await admitGenerate(call)
  if (!input) return
  const isSse = call.route.query.get('alt') === 'sse'
  const contentType = isSse ? 'text/event-stream' : 'application/json; charset=UTF-8'
  const writer = call.stream(200, { 'content-type': contentType })

  const model = call.model ?? ''
  const pieces = splitText(answerFor(model, input), call.sim.streamChunks)
  const cut = call.faults?.streamCut
  const tail = call.faults?.streamErrorTail
  const stopAt = Math.min(
    pieces.length,
    cut?.afterChunks ?? Infinity,
    tail?.afterChunks ?? Infinity,
  )
  const id = call.sim.ids.responseId()
  let sent = ''
  for (let i = 0; i < stopAt; i++) {
    sent += pieces[i]!
    const isFinal = !cut && !tail && i === pieces.length - 1
    const chunk = responseOf(model, pieces[i]!, usageOf(input, sent), id, isFinal)
    frame(writer, isSse, i, JSON.stringify(chunk))
  }
  if (tail) return writeErrorTail(call, writer, { isSse, sent: stopAt }, tail)
  if (cut?.abrupt) return writer.destroy()
  if (!isSse && !cut) writer.write(']')
  writer.end()
}
