import t from 'tap'
import { UsageScanner, type UsageDialect } from '../../src/gemini/usage.js'

/** One SSE event as Google frames it: compact JSON, CRLF separators (gemini-wire §1.3). */
function event(body: object): string {
  return `data: ${JSON.stringify(body)}\r\n\r\n`
}

function candidate(text: string, finishReason?: string): object {
  const parts = [{ text }]
  return { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 }
}

/** A streamed turn with running totals: usage grows, the middle event has none. */
const STREAM = [
  event({
    candidates: [candidate('Once upon')],
    usageMetadata: { promptTokenCount: 220, totalTokenCount: 220 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r-1',
  }),
  event({
    candidates: [candidate(' a time')],
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r-1',
  }),
  event({
    candidates: [candidate(' there was a "promptTokenCount": 999 in the text.', 'STOP')],
    usageMetadata: {
      promptTokenCount: 1220,
      candidatesTokenCount: 5,
      totalTokenCount: 1410,
      thoughtsTokenCount: 185,
      cachedContentTokenCount: 1024,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1220 }],
    },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r-1',
  }),
].join('')

const EXPECTED = { prompt: 1220, output: 5, thoughts: 185, cached: 1024 }

function scanAll(chunks: readonly Buffer[], dialect: UsageDialect = 'gemini'): UsageScanner {
  const scanner = new UsageScanner(true, dialect)
  for (const chunk of chunks) scanner.scan(chunk)
  return scanner
}

function usageOf(s: UsageScanner) {
  return { prompt: s.prompt, output: s.output, thoughts: s.thoughts, cached: s.cached }
}

void t.test('a whole stream in one chunk gives the last totals', (t) => {
  const scanner = scanAll([Buffer.from(STREAM)])
  t.same(usageOf(scanner), EXPECTED)
  t.equal(scanner.hasUsage, true)
  t.equal(scanner.finished, true)
  t.equal(scanner.errored, false)
  t.end()
})

void t.test('the last value wins across chunks', (t) => {
  const scanner = new UsageScanner()
  scanner.scan(
    Buffer.from(event({ usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1 } })),
  )
  t.equal(scanner.output, 1)
  scanner.scan(
    Buffer.from(event({ usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 7 } })),
  )
  t.equal(scanner.output, 7)
  t.equal(scanner.prompt, 10)
  t.end()
})

void t.test('a chunk without usage does not reset the running totals', (t) => {
  const scanner = new UsageScanner()
  scanner.scan(
    Buffer.from(event({ usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 3 } })),
  )
  scanner.scan(Buffer.from(event({ candidates: [candidate('more text, no usage at all here')] })))
  t.same(usageOf(scanner), { prompt: 12, output: 3, thoughts: undefined, cached: undefined })
  t.end()
})

void t.test('early zeroed usage is replaced by later totals', (t) => {
  const scanner = new UsageScanner()
  scanner.scan(
    Buffer.from(event({ usageMetadata: { promptTokenCount: 0, candidatesTokenCount: 0 } })),
  )
  t.equal(scanner.hasUsage, true)
  scanner.scan(
    Buffer.from(event({ usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 2 } })),
  )
  t.same([scanner.prompt, scanner.output], [8, 2])
  t.end()
})

void t.test('a stream split in two at every byte offset gives the same result', (t) => {
  const bytes = Buffer.from(STREAM)
  const wrong: number[] = []
  for (let at = 0; at <= bytes.length; at++) {
    const scanner = scanAll([bytes.subarray(0, at), bytes.subarray(at)])
    const ok = JSON.stringify(usageOf(scanner)) === JSON.stringify(EXPECTED) && scanner.finished
    if (!ok || scanner.errored) wrong.push(at)
  }
  t.same(wrong, [], 'split offsets that changed the result')
  t.end()
})

/**
 * The stream again with a long first event: chunks over 1 KB are searched byte-wise, shorter
 * ones as text, so a split anywhere mixes both ways and each must read what the other would.
 */
const LONG_STREAM =
  event({ candidates: [candidate(`${'All the sea was calm. '.repeat(70)}"error" in text`)] }) +
  STREAM

void t.test('long and short chunks read the same, split anywhere', (t) => {
  const bytes = Buffer.from(LONG_STREAM)
  t.ok(bytes.length > 2048, 'long enough for both ways')
  const wrong: number[] = []
  for (let at = 0; at <= bytes.length; at += 7) {
    const scanner = scanAll([bytes.subarray(0, at), bytes.subarray(at)])
    const ok = JSON.stringify(usageOf(scanner)) === JSON.stringify(EXPECTED) && scanner.finished
    if (!ok) wrong.push(at)
  }
  t.same(wrong, [], 'split offsets that changed the result')
  t.end()
})

void t.test('an error tail is seen in a long chunk and in a short one', (t) => {
  const tail = JSON.stringify({
    error: { code: 500, message: 'x'.repeat(1500), status: 'INTERNAL' },
  })
  const cut = Buffer.from(STREAM.slice(0, STREAM.indexOf('"finishReason"')) + tail)
  for (const at of [0, cut.length - tail.length + 1, cut.length - 900]) {
    const scanner = scanAll([cut.subarray(0, at), cut.subarray(at)])
    t.same([scanner.errored, scanner.finished], [true, false], `split at ${at}`)
  }
  t.end()
})

void t.test('a long OpenAI stream is read for usage and its end', (t) => {
  const chunk = { id: 'c', choices: [{ index: 0, delta: { content: 'sea '.repeat(400) } }] }
  const usage = { id: 'c', choices: [], usage: { prompt_tokens: 9, completion_tokens: 400 } }
  const stream = `data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`
  const scanner = scanAll([Buffer.from(stream)], 'openai')
  t.same([scanner.prompt, scanner.output, scanner.finished], [9, 400, true])
  t.end()
})

void t.test(
  'a stream split in three at every pair of nearby offsets gives the same result',
  (t) => {
    const bytes = Buffer.from(STREAM)
    const wrong: string[] = []
    for (let first = 0; first <= bytes.length; first++) {
      for (let gap = 1; gap <= 60 && first + gap <= bytes.length; gap++) {
        const second = first + gap
        const chunks = [
          bytes.subarray(0, first),
          bytes.subarray(first, second),
          bytes.subarray(second),
        ]
        const scanner = scanAll(chunks)
        if (JSON.stringify(usageOf(scanner)) !== JSON.stringify(EXPECTED))
          wrong.push(`${first}+${gap}`)
      }
    }
    t.same(wrong, [], 'split offsets that changed the result')
    t.end()
  },
)

void t.test('a stream fed one byte at a time gives the same result', (t) => {
  const bytes = Buffer.from(STREAM)
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1))
  const scanner = scanAll(chunks)
  t.same(usageOf(scanner), EXPECTED)
  t.equal(scanner.finished, true)
  t.equal(scanner.errored, false)
  t.end()
})

void t.test('a pretty-printed JSON array stream split anywhere gives the same result', (t) => {
  const objects = [
    { candidates: [candidate('Hi')], usageMetadata: { promptTokenCount: 31, totalTokenCount: 31 } },
    {
      candidates: [candidate(' there', 'STOP')],
      usageMetadata: { promptTokenCount: 31, candidatesTokenCount: 123456789, totalTokenCount: 1 },
    },
  ]
  const body = Buffer.from(`[${objects.map((o) => JSON.stringify(o, null, 2)).join(',\r\n')}]`)
  const wrong: number[] = []
  for (let at = 0; at <= body.length; at++) {
    const scanner = scanAll([body.subarray(0, at), body.subarray(at)])
    if (scanner.prompt !== 31 || scanner.output !== 123456789 || !scanner.finished) wrong.push(at)
  }
  t.same(wrong, [])
  t.end()
})

void t.test('a number cut at the end of the last chunk is not taken', (t) => {
  const scanner = new UsageScanner()
  scanner.scan(Buffer.from('data: {"usageMetadata":{"promptTokenCount":12'))
  t.equal(scanner.prompt, undefined)
  scanner.scan(Buffer.from('34}}\r\n\r\n'))
  t.equal(scanner.prompt, 1234)
  t.end()
})

void t.test('OpenAI usage is read from prompt_tokens and completion_tokens', (t) => {
  const body = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 17,
      completion_tokens: 4,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0 },
    },
  })
  const scanner = scanAll([Buffer.from(body)], 'openai')
  t.equal(scanner.prompt, 17)
  t.equal(scanner.output, 4)
  t.equal(scanner.hasUsage, true)
  t.end()
})

void t.test('an OpenAI stream is finished by data: [DONE]', (t) => {
  const chunk = { id: 'c', choices: [{ index: 0, delta: { content: 'Hi' } }] }
  const usage = { id: 'c', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } }
  const stream = `data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`
  const bytes = Buffer.from(stream)
  const chunks = [bytes.subarray(0, bytes.length - 9), bytes.subarray(bytes.length - 9)]
  const scanner = scanAll(chunks, 'openai')
  t.equal(scanner.finished, true)
  t.same([scanner.prompt, scanner.output], [9, 2])
  t.end()
})

void t.test('a stream cut before any finishReason is not finished', (t) => {
  const cut = STREAM.slice(0, STREAM.indexOf('"finishReason"'))
  const scanner = scanAll([Buffer.from(cut)])
  t.equal(scanner.finished, false)
  t.equal(scanner.errored, false)
  t.equal(scanner.prompt, 220)
  t.end()
})

void t.test('a raw JSON error tail after a 200 marks the stream errored', (t) => {
  const tail = JSON.stringify(
    { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
    null,
    2,
  )
  const bytes = Buffer.from(STREAM.slice(0, STREAM.indexOf('"finishReason"')) + tail)
  for (const at of [0, 10, bytes.length - tail.length + 3, bytes.length - 1]) {
    const scanner = scanAll([bytes.subarray(0, at), bytes.subarray(at)])
    t.equal(scanner.errored, true, `split at ${at}`)
    t.equal(scanner.finished, false, `split at ${at}`)
  }
  t.end()
})

void t.test('an error event inside the SSE stream marks the stream errored', (t) => {
  const error = {
    error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' },
  }
  const scanner = scanAll([Buffer.from(event({ candidates: [candidate('x')] }) + event(error))])
  t.equal(scanner.errored, true)
  t.end()
})

void t.test('a fresh scanner has no usage', (t) => {
  const scanner = new UsageScanner()
  t.equal(scanner.hasUsage, false)
  t.equal(scanner.finished, false)
  t.equal(scanner.errored, false)
  t.end()
})

void t.test('a unary answer is read for usage only: whole, it needs no end marker', (t) => {
  const scanner = new UsageScanner(false)
  scanner.scan(Buffer.from(STREAM))
  t.same(usageOf(scanner), EXPECTED)
  t.equal(scanner.finished, false, 'no end marker is looked for')
  t.end()
})

void t.test('usage names that are not counted fields are passed over', (t) => {
  const body = {
    usageMetadata: {
      totalTokenCount: 50,
      toolUsePromptTokenCount: 40,
      promptTokenCount: 7,
      candidatesTokenCount: 3,
    },
  }
  const scanner = scanAll([Buffer.from(JSON.stringify(body))])
  t.same(usageOf(scanner), { prompt: 7, output: 3, thoughts: undefined, cached: undefined })
  t.end()
})
