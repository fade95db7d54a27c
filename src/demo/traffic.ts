import { GoogleGenAI } from '@google/genai'
import type { Clock } from '../util/clock.js'
import { classifyError } from './call-result.js'
import type { Question } from './questions.js'
import { EMBED_MODEL, GENERATE_MODEL, type DemoClient, type Scenario } from './scenario.js'
import type { CallKind, CallResult, DemoTally } from './tally.js'

/**
 * The burst itself: every question asked at its planned time through its client's own
 * `@google/genai` instance (its keypool token as the API key), as a RAG app would: embed the
 * question, then generate an answer, whole or streamed.
 */

export interface TrafficOptions {
  readonly scenario: Scenario
  /** keypool's base URL. */
  readonly baseUrl: string
  readonly clock: Clock
  readonly tally: DemoTally
  /** Aborts the calls still open when the demo gives up on them. */
  readonly signal: AbortSignal
}

export async function runTraffic(options: TrafficOptions): Promise<void> {
  const { scenario, baseUrl, clock, tally, signal } = options
  const sdks = new Map(
    scenario.clients.map((c) => [
      c.id,
      new GoogleGenAI({ apiKey: c.token, httpOptions: { baseUrl } }),
    ]),
  )
  const startedAt = clock.now()
  await Promise.all(
    scenario.questions.map(async (question) => {
      await sleepUntil(clock, startedAt + question.atMs)
      await ask(sdks.get(question.client.id)!, question, tally, signal)
    }),
  )
}

function sleepUntil(clock: Clock, at: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(at - clock.now(), resolve))
}

/**
 * A question still asks for its answer when its embed call was refused: the app would answer
 * without retrieved context, and each question then always makes exactly two calls.
 */
async function ask(
  ai: GoogleGenAI,
  question: Question<DemoClient>,
  tally: DemoTally,
  signal: AbortSignal,
): Promise<void> {
  const { client, text, isStreamed } = question
  const config = { abortSignal: signal }
  await send(tally, client, 'embed', signal, () => embed(ai, text, config))
  const prompt = `Answer from the passages retrieved for it. ${text}`
  const answer = isStreamed ? stream : generate
  await send(tally, client, 'generate', signal, () => answer(ai, prompt, config))
}

async function send(
  tally: DemoTally,
  client: DemoClient,
  kind: CallKind,
  signal: AbortSignal,
  call: () => Promise<CallResult>,
): Promise<void> {
  tally.callStarted(client, kind)
  let result: CallResult
  try {
    result = await call()
  } catch (error) {
    result = signal.aborted ? { kind: 'failed', detail: abortReason(signal) } : classifyError(error)
  }
  tally.callEnded(client, kind, result)
}

interface CallConfig {
  readonly abortSignal: AbortSignal
}

async function embed(ai: GoogleGenAI, text: string, config: CallConfig): Promise<CallResult> {
  const response = await ai.models.embedContent({ model: EMBED_MODEL, contents: text, config })
  const length = response.embeddings?.[0]?.values?.length ?? 0
  return length > 0 ? answered : empty('embedContent')
}

async function generate(ai: GoogleGenAI, prompt: string, config: CallConfig): Promise<CallResult> {
  const response = await ai.models.generateContent({
    model: GENERATE_MODEL,
    contents: prompt,
    config,
  })
  return response.text ? answered : empty('generateContent')
}

async function stream(ai: GoogleGenAI, prompt: string, config: CallConfig): Promise<CallResult> {
  const params = { model: GENERATE_MODEL, contents: prompt, config }
  const chunks = await ai.models.generateContentStream(params)
  let text = ''
  for await (const chunk of chunks) text += chunk.text ?? ''
  return text ? answered : empty('streamGenerateContent')
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason.message : String(reason)
}

const answered: CallResult = { kind: 'answered' }

function empty(method: string): CallResult {
  return { kind: 'failed', detail: `${method} answered without content` }
}
