import t from 'tap'
import { ResourceScanner } from '../../src/gemini/resource-scanner.js'
import {
  bodyMayNameResources,
  lessonOfAnswer,
  namesInBody,
  resourceInPath,
} from '../../src/gemini/resources.js'
import { classifyRoute } from '../../src/gemini/route.js'
import { rewriteUploadUrl } from '../../src/server/upload-url.js'

t.test('the resource a path names, verbs and sub-paths cut off', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['/v1beta/files/abc123', 'files/abc123'],
    ['/v1/files/abc123:download?alt=media', 'files/abc123'],
    ['/v1beta/cachedContents/c1', 'cachedContents/c1'],
    ['/v1beta/batches/b-1:cancel', 'batches/b-1'],
    ['/v1beta/tunedModels/t1:generateContent', 'tunedModels/t1'],
    ['/v1beta/tunedModels/t1/permissions/p', 'tunedModels/t1'],
    ['/v1beta/interactions/v1_abc', 'interactions/v1_abc'],
    ['/v1beta/models/veo-3.0-generate/operations/op1', 'models/veo-3.0-generate/operations/op1'],
    ['/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore', 'fileSearchStores/s1'],
    ['/v1beta/operations/o1', 'operations/o1'],
    ['/v1beta/files', undefined],
    ['/v1beta/models/gemini-2.5-flash:generateContent', undefined],
    ['/upload/v1beta/files?upload_id=x', undefined],
  ]
  for (const [url, expected] of cases) t.equal(resourceInPath(classifyRoute(url)), expected, url)
})

t.test(
  'file URIs, caches, batch files and previous interactions are found in bodies',
  async (t) => {
    const body = Buffer.from(
      JSON.stringify({
        contents: [
          {
            parts: [
              {
                fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/f1' },
              },
              { file_data: { file_uri: 'files/f2' } },
              { text: 'see files/not-a-field or cachedContents/nope' },
            ],
          },
        ],
        cachedContent: 'cachedContents/c9',
        inputConfig: { fileName: 'files/input-1' },
        previous_interaction_id: 'v1_prev',
      }),
    )
    t.same(namesInBody(body).sort(), [
      'cachedContents/c9',
      'files/f1',
      'files/f2',
      'files/input-1',
      'interactions/v1_prev',
    ])
  },
)

t.test('names are found wherever the first slash of the body stands', async (t) => {
  const names = (text: string) => namesInBody(Buffer.from(text)).sort()
  t.same(names('/{"cachedContent":"cachedContents/c1"}'), ['cachedContents/c1'], 'slash first')
  t.same(names('{"a":"s/","b":"files/f1"}'), ['files/f1'], 'a bare s/ before a name')
  t.same(names('{"x":"files/f2"}'), ['files/f2'], 'the first slash ends the collection')
  t.same(names('{"text":"no names here, nor slashes"}'), [], 'no slash, no name')
  t.same(
    names('{"previousInteractionId":"v1_p"}'),
    ['interactions/v1_p'],
    'an interaction needs no slash',
  )
})

t.test('only calls that can carry names have their bodies scanned', async (t) => {
  const post = (url: string) => bodyMayNameResources(classifyRoute(url), 'POST')
  t.ok(post('/v1beta/models/m:generateContent'))
  t.ok(post('/v1beta/models/m:countTokens'))
  t.ok(post('/v1beta/models/m:batchGenerateContent'))
  t.ok(post('/v1beta/cachedContents'))
  t.ok(post('/v1beta/interactions'))
  t.notOk(post('/v1beta/auth_tokens'))
  t.notOk(post('/upload/v1beta/files'))
  t.notOk(post('/v1beta/openai/chat/completions'))
  t.notOk(bodyMayNameResources(classifyRoute('/v1beta/models/m:generateContent'), 'GET'))
})

t.test('answers that teach names: creates, gets, lists, uploads; not downloads', async (t) => {
  const lesson = (url: string, method = 'GET') => lessonOfAnswer(classifyRoute(url), method)
  t.equal(lesson('/upload/v1beta/files', 'POST'), 'names')
  t.equal(lesson('/v1beta/files'), 'names')
  t.equal(lesson('/v1beta/cachedContents', 'POST'), 'names')
  t.equal(lesson('/v1beta/models/m:batchGenerateContent', 'POST'), 'names')
  t.equal(lesson('/v1beta/models/veo:predictLongRunning', 'POST'), 'names')
  t.equal(lesson('/v1beta/interactions', 'POST'), 'interaction')
  t.equal(lesson('/v1beta/files/abc:download?alt=media'), undefined)
  t.equal(lesson('/v1beta/models/m:generateContent', 'POST'), undefined)
  t.equal(lesson('/v1beta/models'), undefined)
  // A colon in a model id before a sub-path is not a verb: the operation's answer still teaches.
  t.equal(lesson('/v1beta/models/m:x/operations/op1'), 'names')
})

t.test('the answer scanner reads names split anywhere between chunks', async (t) => {
  const answer = Buffer.from(
    JSON.stringify({
      files: [{ name: 'files/first' }, { name: 'files/second-one' }],
      cachedContent: 'cachedContents/cache-7',
      operation: { name: 'models/veo-3.0-generate/operations/op-9' },
      model: 'models/gemini-2.5-flash',
      text: 'a reply quoting \\"files/quoted\\" is not a name',
    }),
  )
  const expected = [
    'cachedContents/cache-7',
    'files/first',
    'files/second-one',
    'models/veo-3.0-generate/operations/op-9',
  ]
  for (let size = 1; size <= answer.length; size += size < 8 ? 1 : 7) {
    const scanner = new ResourceScanner('names')
    for (let at = 0; at < answer.length; at += size) scanner.scan(answer.subarray(at, at + size))
    t.same([...scanner.names].sort(), expected, `chunks of ${size} bytes`)
  }
})

t.test("a new interaction's id is read from its answer", async (t) => {
  const answer = Buffer.from('{"id": "v1_abc-123", "outputs": [{"id": "other"}]}')
  const scanner = new ResourceScanner('interaction')
  for (let at = 0; at < answer.length; at += 3) scanner.scan(answer.subarray(at, at + 3))
  t.same([...scanner.names], ['interactions/v1_abc-123'])
})

t.test('an upload URL is moved to keypool, its key removed, its id kept as sent', async (t) => {
  const google =
    'https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=AB-c_9%3D&upload_protocol=resumable&key=AIza-secret'
  const rewritten = rewriteUploadUrl(google, '', 'http://127.0.0.1:8787/prefix')
  t.equal(
    rewritten?.url,
    'http://127.0.0.1:8787/prefix/upload/v1beta/files?upload_id=AB-c_9%3D&upload_protocol=resumable',
  )
  t.equal(rewritten?.uploadId, 'AB-c_9=')
  const plain = 'https://g.example/upload/v1beta/files?upload_id=id1&upload_protocol=resumable'
  t.equal(
    rewriteUploadUrl(plain, '', 'https://kp')?.url,
    'https://kp/upload/v1beta/files?upload_id=id1&upload_protocol=resumable',
  )
  t.equal(rewriteUploadUrl('https://g.example/upload/v1beta/files', '', 'https://kp'), undefined)
  t.equal(
    rewriteUploadUrl('http://tap/sim/upload/v1beta/files?upload_id=x', '/sim', 'http://kp')?.url,
    'http://kp/upload/v1beta/files?upload_id=x',
  )
})
