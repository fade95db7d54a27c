import t from 'tap'
import { classifyRoute } from '../../src/gemini/route.js'

void t.test('a generateContent call names its model, verb and operation', (t) => {
  const route = classifyRoute('/v1beta/models/gemini-2.5-flash:generateContent')
  t.match(route, {
    kind: 'api',
    version: 'v1beta',
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    query: '',
    model: 'gemini-2.5-flash',
    verb: 'generateContent',
    operation: 'generate',
    isStream: false,
  })
  t.end()
})

void t.test('v1, v1beta and v1alpha are classified alike', (t) => {
  for (const version of ['v1', 'v1beta', 'v1alpha']) {
    const route = classifyRoute(`/${version}/models/gemini-2.5-flash:countTokens`)
    t.equal(route.kind, 'api', version)
    t.equal(route.version, version, version)
    t.equal(route.model, 'gemini-2.5-flash', version)
    t.equal(route.operation, 'count', version)
  }
  t.end()
})

void t.test('an unknown version is an unknown route', (t) => {
  const route = classifyRoute('/v2/models/gemini-2.5-flash:generateContent')
  t.equal(route.kind, 'unknown')
  t.equal(route.operation, 'other')
  t.end()
})

void t.test('streamGenerateContent is a stream and keeps its query raw', (t) => {
  const route = classifyRoute(
    '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=a%2Bb',
  )
  t.equal(route.isStream, true)
  t.equal(route.operation, 'generate')
  t.equal(route.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent')
  t.equal(route.query, 'alt=sse&key=a%2Bb')
  t.end()
})

void t.test('each verb maps to its operation', (t) => {
  const cases: Array<[string, string]> = [
    ['models/gemini-2.5-flash:generateContent', 'generate'],
    ['models/gemini-2.5-flash:streamGenerateContent', 'generate'],
    ['models/gemini-embedding-001:embedContent', 'embed'],
    ['models/gemini-embedding-001:batchEmbedContents', 'embed'],
    ['models/gemini-2.5-flash:countTokens', 'count'],
    ['models/gemini-2.5-flash:batchGenerateContent', 'other'],
    ['models/gemini-embedding-001:asyncBatchEmbedContent', 'other'],
    ['models', 'other'],
    ['files/abc123', 'other'],
    ['cachedContents/c1', 'other'],
    ['batches/b1:cancel', 'other'],
  ]
  for (const [resource, operation] of cases) {
    t.equal(classifyRoute(`/v1beta/${resource}`).operation, operation, resource)
  }
  t.end()
})

void t.test('only streamGenerateContent is a stream among the api verbs', (t) => {
  t.equal(classifyRoute('/v1beta/models/gemini-2.5-flash:generateContent?alt=sse').isStream, false)
  t.equal(classifyRoute('/v1beta/models/gemini-2.5-flash:countTokens').isStream, false)
  t.end()
})

void t.test('a tuned model is named with its tunedModels/ prefix', (t) => {
  const route = classifyRoute('/v1beta/tunedModels/my-tune-7:generateContent')
  t.equal(route.model, 'tunedModels/my-tune-7')
  t.equal(route.operation, 'generate')
  t.end()
})

void t.test('a model operation names no model', (t) => {
  const route = classifyRoute('/v1beta/models/veo-3.0-generate-001/operations/op1')
  t.equal(route.kind, 'api')
  t.equal(route.model, undefined)
  t.equal(route.verb, undefined)
  t.equal(route.operation, 'other')
  t.end()
})

void t.test('a model read without a verb still names the model', (t) => {
  const route = classifyRoute('/v1beta/models/gemini-2.5-flash')
  t.equal(route.model, 'gemini-2.5-flash')
  t.equal(route.verb, undefined)
  t.equal(route.operation, 'other')
  t.end()
})

void t.test('a percent-encoded model name is decoded', (t) => {
  t.equal(classifyRoute('/v1beta/models/my%2Dmodel:generateContent').model, 'my-model')
  t.end()
})

void t.test('a malformed percent escape in the model does not throw', (t) => {
  const route = classifyRoute('/v1beta/models/bad%zzname:generateContent')
  t.equal(route.kind, 'api')
  t.equal(route.operation, 'generate')
  t.equal(route.model, 'bad%zzname')
  t.end()
})

void t.test('a file download keeps its verb', (t) => {
  const route = classifyRoute('/v1beta/files/abc123:download?alt=media')
  t.equal(route.kind, 'api')
  t.equal(route.verb, 'download')
  t.equal(route.query, 'alt=media')
  t.equal(route.model, undefined)
  t.end()
})

void t.test('the upload endpoint is an upload route with its version', (t) => {
  const route = classifyRoute('/upload/v1beta/files?upload_id=AbC-123&upload_protocol=resumable')
  t.match(route, {
    kind: 'upload',
    version: 'v1beta',
    path: '/upload/v1beta/files',
    query: 'upload_id=AbC-123&upload_protocol=resumable',
    operation: 'other',
    isStream: false,
  })
  t.end()
})

void t.test('the download endpoint is a download route', (t) => {
  const route = classifyRoute('/download/v1beta/files/abc123:download?alt=media')
  t.equal(route.kind, 'download')
  t.equal(route.version, 'v1beta')
  t.equal(route.query, 'alt=media')
  t.end()
})

void t.test('an upload or download without a known version is unknown', (t) => {
  t.equal(classifyRoute('/upload/files').kind, 'unknown')
  t.equal(classifyRoute('/download/v9/files/x').kind, 'unknown')
  t.end()
})

void t.test('OpenAI chat completions are a generate call on the openai route', (t) => {
  const route = classifyRoute('/v1beta/openai/chat/completions')
  t.match(route, {
    kind: 'openai',
    version: 'v1beta',
    verb: 'chat/completions',
    operation: 'generate',
    model: undefined,
    isStream: false,
  })
  t.end()
})

void t.test('OpenAI embeddings embed and other OpenAI routes are other', (t) => {
  t.equal(classifyRoute('/v1beta/openai/embeddings').operation, 'embed')
  t.equal(classifyRoute('/v1beta/openai/models').operation, 'other')
  t.equal(classifyRoute('/v1beta/openai/images/generations').verb, 'images/generations')
  t.end()
})

void t.test('the Live socket is routed on the raw double-slash path', (t) => {
  const raw =
    '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=tok%2F1'
  const route = classifyRoute(raw)
  t.match(route, {
    kind: 'live',
    version: 'v1beta',
    path: '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
    query: 'key=tok%2F1',
    verb: 'BidiGenerateContent',
    isStream: true,
  })
  t.end()
})

void t.test('the Live socket is found with a single slash too', (t) => {
  const raw =
    '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained'
  const route = classifyRoute(raw)
  t.equal(route.kind, 'live')
  t.equal(route.version, 'v1alpha')
  t.equal(route.verb, 'BidiGenerateContentConstrained')
  t.end()
})

void t.test('repeated leading slashes are folded on api paths', (t) => {
  const route = classifyRoute('//v1beta/models/gemini-2.5-flash:generateContent')
  t.equal(route.kind, 'api')
  t.equal(route.path, '/v1beta/models/gemini-2.5-flash:generateContent')
  t.end()
})

void t.test('keypool routes and /metrics are keypool own routes', (t) => {
  t.equal(classifyRoute('/keypool/health').kind, 'keypool')
  t.equal(classifyRoute('/keypool/requests/abc?x=1').path, '/keypool/requests/abc')
  t.equal(classifyRoute('/metrics').kind, 'keypool')
  t.equal(classifyRoute('/metrics').version, '')
  t.end()
})

void t.test('an unrelated path is unknown and keeps its query', (t) => {
  const route = classifyRoute('/favicon.ico?v=2')
  t.equal(route.kind, 'unknown')
  t.equal(route.query, 'v=2')
  t.equal(classifyRoute('/').kind, 'unknown')
  t.end()
})

void t.test('only the first question mark starts the query', (t) => {
  const route = classifyRoute('/v1beta/files?pageToken=a?b&pageSize=5')
  t.equal(route.path, '/v1beta/files')
  t.equal(route.query, 'pageToken=a?b&pageSize=5')
  t.end()
})
