import t from 'tap'
import {
  MEDIA_TOKENS,
  estimateRawRequest,
  estimateRequest,
  estimateTextTokens,
  shapeOfVerb,
} from '../../src/gemini/estimate.js'
import { seededRandom } from '../../src/util/random.js'

const base64OfBytes = (bytes: number) => Buffer.alloc(bytes).toString('base64')

t.test('Latin text costs about a token per 4 characters, rounded up', async (t) => {
  t.equal(estimateTextTokens('a'.repeat(400)), 100)
  t.equal(estimateTextTokens('Hello, world!'), 4)
  t.equal(estimateTextTokens('Ça coûte très cher'), 5, 'accented Latin counts as Latin')
  t.equal(estimateTextTokens(''), 0)
})

t.test('CJK text costs about a token per character', async (t) => {
  t.equal(estimateTextTokens('漢字'), 2, 'Han')
  t.equal(estimateTextTokens('ひらがなカタカナ'), 8, 'Hiragana and Katakana')
  t.equal(estimateTextTokens('한국어'), 3, 'Hangul')
  t.equal(estimateTextTokens('𠀀𪚥'), 2, 'Han beyond the BMP counts once, not per surrogate')
  t.equal(estimateTextTokens('abcd漢字'), 3, 'mixed text adds both')
})

t.test('other scripts cost a token per 3 characters', async (t) => {
  t.equal(estimateTextTokens('Привет'), 2)
})

t.test('the script of each character decides, wherever it stands in the text', async (t) => {
  t.equal(estimateTextTokens('\u024f'.repeat(4)), 1, 'U+024F, the last Latin Extended-B, is Latin')
  t.equal(estimateTextTokens('\u0250'.repeat(4)), 2, 'U+0250, IPA, is another script')
  t.equal(estimateTextTokens('\u2000\u206f\u2014\u201c'), 1, 'general punctuation is Latin')
  t.equal(estimateTextTokens('\u2070'.repeat(4)), 2, 'superscripts are another script')
  t.equal(estimateTextTokens(`${'a'.repeat(4000)}漢`), 1001, 'a long Latin run, then Han')
  t.equal(estimateTextTokens(`漢${'a'.repeat(4000)}`), 1001, 'Han, then a long Latin run')
  t.equal(estimateTextTokens(`${'a'.repeat(7)}Пр${'b'.repeat(5)}`), 4, 'Latin and Cyrillic add')
})

t.test('any mix of scripts counts as one character at a time would', async (t) => {
  // The rule as documented, one UTF-16 code unit at a time, against the function's shortcuts.
  const byRule = (text: string) => {
    let latin = 0
    let cjk = 0
    let other = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c < 0x250 || (c >= 0x2000 && c <= 0x206f)) latin++
      else if (CJK_RANGES.some(([lo, hi]) => c >= lo && c <= hi)) cjk++
      else if (c >= 0xd840 && c <= 0xd8bf) {
        cjk++
        i++
      } else other++
    }
    return cjk + Math.ceil(latin / 4 + other / 3)
  }
  const alphabet = ['a', ' ', '\n', 'é', 'ɐ', '—', '⁰', 'Я', '漢', 'か', '한', '𠀀', '🌊', '\ud840']
  const random = seededRandom(8)
  for (let n = 0; n < 2_000; n++) {
    const length = Math.floor(random() * 40)
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)]
    if (estimateTextTokens(text) !== byRule(text)) {
      t.fail(`${JSON.stringify(text)}: ${estimateTextTokens(text)}, by the rule ${byRule(text)}`)
      return
    }
  }
  t.pass('2,000 seeded texts agree')
})

const CJK_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x11ff],
  [0x3000, 0x30ff],
  [0x3130, 0x318f],
  [0x31f0, 0x31ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7af],
  [0xf900, 0xfaff],
  [0xff00, 0xffef],
]

t.test(
  'a generateContent body counts contents, systemInstruction and tools, not generationConfig',
  async (t) => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'a'.repeat(40) }] },
        { role: 'model', parts: [{ text: '漢字' }] },
      ],
      systemInstruction: { parts: [{ text: 'b'.repeat(20) }] },
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      generationConfig: {
        temperature: 0.5,
        maxOutputTokens: 99999,
        stopSequences: ['x'.repeat(400)],
      },
    }
    const tools = estimateTextTokens(JSON.stringify(body.tools))
    t.same(estimateRequest('generate', body), {
      requests: 1,
      tokens: 10 + 2 + 5 + tools,
      items: [17 + tools],
    })
  },
)

t.test('media parts cost fixed amounts by mime type', async (t) => {
  const part = (mimeType: string) => ({ fileData: { mimeType, fileUri: 'files/x' } })
  const cost = (p: object) => estimateRequest('generate', { contents: [{ parts: [p] }] }).tokens
  t.equal(cost(part('image/png')), 258)
  t.equal(cost(part('audio/mp3')), 32 * 60)
  t.equal(cost(part('video/mp4')), 263 * 60)
  t.equal(cost(part('application/pdf')), 258 * 10)
  t.equal(cost({ inlineData: { mimeType: 'image/jpeg', data: base64OfBytes(3_000_000) } }), 258)
  t.equal(
    cost({
      inlineData: {
        mimeType: 'audio/wav',
        data: base64OfBytes(MEDIA_TOKENS.audioBytesPerSecond * 10),
      },
    }),
    320,
    'inline audio by its size: ten seconds',
  )
  t.equal(cost({ inlineData: { mimeType: 'text/plain', data: base64OfBytes(400) } }), 100)
})

t.test('snake_case bodies from the Python SDK count alike', async (t) => {
  const camel = {
    contents: [
      { parts: [{ text: 'hello there' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
    ],
    systemInstruction: { parts: [{ text: 'be brief' }] },
  }
  const snake = {
    contents: [
      {
        parts: [{ text: 'hello there' }, { inline_data: { mime_type: 'image/png', data: 'AAAA' } }],
      },
    ],
    system_instruction: { parts: [{ text: 'be brief' }] },
  }
  t.same(estimateRequest('generate', snake), estimateRequest('generate', camel))
  t.equal(estimateRequest('generate', snake).tokens, 3 + 258 + 2)
})

t.test(
  'function calls and responses count as their JSON; thought signatures count nothing',
  async (t) => {
    const call = { functionCall: { name: 'lookup', args: { city: 'Paris' } } }
    const body = {
      contents: [{ role: 'model', parts: [call, { thoughtSignature: 'x'.repeat(4000) }] }],
    }
    t.equal(
      estimateRequest('generate', body).tokens,
      estimateTextTokens(JSON.stringify(call.functionCall)),
    )
  },
)

t.test('countTokens counts contents or a whole generateContentRequest', async (t) => {
  t.equal(
    estimateRequest('countTokens', { contents: [{ parts: [{ text: 'abcdefgh' }] }] }).tokens,
    2,
  )
  const wrapped = {
    generateContentRequest: { model: 'models/x', contents: [{ parts: [{ text: 'abcd' }] }] },
  }
  t.equal(estimateRequest('countTokens', wrapped).tokens, 1)
})

t.test('embedContent counts its content and title', async (t) => {
  const body = {
    content: { parts: [{ text: 'a'.repeat(8) }] },
    title: 'abcd',
    taskType: 'RETRIEVAL_DOCUMENT',
  }
  t.same(estimateRequest('embed', body), { requests: 1, tokens: 3, items: [3] })
})

t.test('batchEmbedContents costs a request per item and reports each item', async (t) => {
  const item = (text: string) => ({
    model: 'models/gemini-embedding-001',
    content: { parts: [{ text }] },
  })
  const body = { requests: [item('a'.repeat(40)), item('漢字漢字'), item('abc')] }
  t.same(estimateRequest('batchEmbed', body), { requests: 3, tokens: 15, items: [10, 4, 1] })
  t.same(estimateRequest('batchEmbed', { requests: [] }), { requests: 1, tokens: 0, items: [] })
})

t.test('OpenAI chat counts string and part contents, tool calls and tools', async (t) => {
  const body = {
    model: 'gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'a'.repeat(40) },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'b'.repeat(8) },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
    ],
  }
  t.same(estimateRequest('openaiChat', body), { requests: 1, tokens: 10 + 2 + 258, items: [270] })
  const withTools = { ...body, tools: [{ type: 'function', function: { name: 'f' } }] }
  t.ok(estimateRequest('openaiChat', withTools).tokens > 270)
})

t.test('OpenAI embeddings cost a request per input, whatever the input form', async (t) => {
  t.same(estimateRequest('openaiEmbeddings', { input: 'a'.repeat(12) }), {
    requests: 1,
    tokens: 3,
    items: [3],
  })
  t.same(estimateRequest('openaiEmbeddings', { input: ['abcd', '漢字'] }), {
    requests: 2,
    tokens: 3,
    items: [1, 2],
  })
  t.same(estimateRequest('openaiEmbeddings', { input: [1, 2, 3] }), {
    requests: 1,
    tokens: 3,
    items: [3],
  })
  t.same(estimateRequest('openaiEmbeddings', { input: [[1, 2], [3]] }), {
    requests: 2,
    tokens: 3,
    items: [2, 1],
  })
})

t.test(
  'a raw JSON body is parsed; a body that is not JSON costs a token per 4 bytes',
  async (t) => {
    const json = JSON.stringify({ contents: [{ parts: [{ text: 'abcdefgh' }] }] })
    t.equal(estimateRawRequest('generate', Buffer.from(json)).tokens, 2)
    t.equal(estimateRawRequest('generate', json).tokens, 2)
    t.same(estimateRawRequest('generate', Buffer.alloc(1001, 0x7b)), {
      requests: 1,
      tokens: 251,
      items: [251],
    })
  },
)

t.test('odd bodies count nothing rather than throwing', async (t) => {
  for (const body of [null, 42, 'text', [], { contents: 5 }, { requests: 'x' }]) {
    t.equal(estimateRequest('generate', body).tokens, 0)
    t.equal(estimateRequest('batchEmbed', body).tokens, 0)
  }
})

t.test('route verbs map to body shapes', async (t) => {
  t.equal(shapeOfVerb('streamGenerateContent'), 'generate')
  t.equal(shapeOfVerb('batchEmbedContents'), 'batchEmbed')
  t.equal(shapeOfVerb('chat/completions'), 'openaiChat')
  t.equal(shapeOfVerb('embeddings'), 'openaiEmbeddings')
  t.equal(shapeOfVerb('get'), undefined)
  t.equal(shapeOfVerb(undefined), undefined)
})
