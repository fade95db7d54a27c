import { shuffle } from './random.js'

/** The traffic plan: who asks what, and when, in demo time from the start of the run. */

export interface Asker {
  readonly id: string
}

export interface Question<C extends Asker = Asker> {
  readonly index: number
  readonly client: C
  /** Demo milliseconds after the start at which the question is asked. */
  readonly atMs: number
  /** Whether its answer is streamed (streamGenerateContent) rather than generated whole. */
  readonly isStreamed: boolean
  readonly text: string
}

export interface PlanOptions<C extends Asker> {
  readonly clients: readonly C[]
  readonly count: number
  /** Generate calls the pool may send a minute; questions after the opening burst come so. */
  readonly perMinute: number
  readonly random: () => number
}

/** A third of the questions arrive in the opening seconds: the burst that must queue. */
const BURST_SHARE = 1 / 3
/** After the burst, questions come at this share of the generate budget, so the queue drains. */
const PACE_SHARE = 2 / 3
export const BURST_SPREAD_MS = 2_000
const STREAMED_SHARE = 1 / 3

const TOPICS = [
  'rotate an API key',
  'cache embeddings',
  'read a 429 error',
  'stream an answer',
  'count tokens first',
  'pick a model',
]

/**
 * An opening burst of a third of the questions (twice what the generate budget sends in a
 * minute at the default size), then the rest at random times, on average at two thirds of the
 * generate budget: the burst's backlog keeps calls queueing for a minute or two, and the slower
 * pace lets it drain, so nearly every call is served within `queue.maxWait`. Every client asks
 * the same number of questions (give or take one), so tiers compare on equal traffic.
 */
export function planQuestions<C extends Asker>(options: PlanOptions<C>): Question<C>[] {
  const { clients, count, perMinute, random } = options
  const burst = Math.round(count * BURST_SHARE)
  const spreadMs = ((count - burst) / (perMinute * PACE_SHARE)) * 60_000
  const owners = shuffle(
    Array.from({ length: count }, (_, i) => clients[i % clients.length]!),
    random,
  )
  const questions = owners.map((client, index) => {
    const atMs = index < burst ? random() * BURST_SPREAD_MS : random() * spreadMs
    const isStreamed = random() < STREAMED_SHARE
    const topic = TOPICS[Math.floor(random() * TOPICS.length)]!
    const text = `Question ${index + 1} from ${client.id}: how do I ${topic}?`
    return { index, client, atMs, isStreamed, text }
  })
  return questions.sort((a, b) => a.atMs - b.atMs)
}
