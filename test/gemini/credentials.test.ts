import t from 'tap'
import {
  clientToken,
  queryParam,
  stripKeyParam,
  upstreamHeaders,
} from '../../src/gemini/credentials.js'

/** Upstream headers as lowercase name → every value sent under it. */
function headerMap(flat: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase()
    map.set(name, [...(map.get(name) ?? []), flat[i + 1]!])
  }
  return map
}

void t.test('the token comes from x-goog-api-key', (t) => {
  t.equal(clientToken({ 'x-goog-api-key': 'kp-token-1' }, ''), 'kp-token-1')
  t.end()
})

void t.test('the token comes from ?key=, percent-decoded', (t) => {
  t.equal(clientToken({}, 'alt=sse&key=kp%2Ftoken%3D%2B1'), 'kp/token=+1')
  t.end()
})

void t.test('the token comes from an Authorization Bearer header', (t) => {
  t.equal(clientToken({ authorization: 'Bearer kp-token-2' }, ''), 'kp-token-2')
  t.equal(clientToken({ authorization: 'bearer   kp-token-3 ' }, ''), 'kp-token-3')
  t.end()
})

void t.test('the header wins over the query, and the query over Bearer', (t) => {
  const headers = { 'x-goog-api-key': 'from-header', authorization: 'Bearer from-bearer' }
  t.equal(clientToken(headers, 'key=from-query'), 'from-header')
  t.equal(clientToken({ authorization: 'Bearer from-bearer' }, 'key=from-query'), 'from-query')
  t.end()
})

void t.test('no credential, an empty one or a non-Bearer authorization gives no token', (t) => {
  t.equal(clientToken({}, ''), undefined)
  t.equal(clientToken({ 'x-goog-api-key': '' }, 'key='), undefined)
  t.equal(clientToken({ authorization: 'Basic dXNlcjpwYXNz' }, 'akey=x&keys=y'), undefined)
  t.end()
})

void t.test('a malformed percent escape in ?key= gives no token', (t) => {
  t.equal(queryParam('key=%zz', 'key'), undefined)
  t.equal(clientToken({}, 'key=%E0%A4%A'), undefined)
  t.end()
})

void t.test('queryParam reads the first value of the named parameter only', (t) => {
  t.equal(queryParam('upload_id=a&upload_id=b', 'upload_id'), 'a')
  t.equal(queryParam('xupload_id=a', 'upload_id'), undefined)
  t.equal(queryParam('', 'upload_id'), undefined)
  t.equal(queryParam('alt=sse&key=k%2B1+2', 'key'), 'k+1 2')
  t.equal(queryParam('keyx=1&key&key=3', 'key'), '3')
  t.equal(queryParam('alt=sse&key=', 'key'), '')
  t.equal(queryParam('alt=sse&&key=4&', 'key'), '4')
  t.equal(queryParam('alt=sse', 'key'), undefined)
  t.end()
})

void t.test(
  'stripKeyParam removes every key= and keeps the other parameters byte for byte',
  (t) => {
    t.equal(stripKeyParam('alt=sse&key=abc'), 'alt=sse')
    t.equal(stripKeyParam('key=abc&alt=sse'), 'alt=sse')
    t.equal(stripKeyParam('a=%2F%20x&key=1&b=c+d&key=2&z'), 'a=%2F%20x&b=c+d&z')
    t.equal(stripKeyParam('key=only'), '')
    t.end()
  },
)

void t.test('stripKeyParam leaves a query without key= untouched', (t) => {
  t.equal(stripKeyParam(''), '')
  t.equal(stripKeyParam('monkey=1&keys=2&alt=sse'), 'monkey=1&keys=2&alt=sse')
  t.end()
})

const CLIENT_RAW = [
  'Host',
  'localhost:8787',
  'Connection',
  'keep-alive',
  'Keep-Alive',
  'timeout=5',
  'Proxy-Connection',
  'keep-alive',
  'Proxy-Authorization',
  'Basic eA==',
  'Transfer-Encoding',
  'chunked',
  'Upgrade',
  'h2c',
  'TE',
  'trailers',
  'Trailer',
  'x-checksum',
  'Accept-Encoding',
  'gzip, deflate',
  'X-Goog-Api-Key',
  'client-token',
  'Authorization',
  'Bearer client-token',
  'X-Keypool-Priority',
  '5',
  'x-keypool-max-wait',
  '30s',
  'X-Request-Id',
  'req-1',
  'x-goog-api-client',
  'google-genai-sdk/2.32.0 gl-node/v20.20.2',
  'User-Agent',
  'google-genai-sdk/2.32.0 gl-node/v20.20.2',
  'X-Goog-Upload-Protocol',
  'resumable',
  'x-goog-upload-command',
  'start',
  'Content-Type',
  'application/json',
  'X-Server-Timeout',
  '30',
]

void t.test('hop-by-hop headers and accept-encoding are not sent upstream', (t) => {
  const out = headerMap(upstreamHeaders(CLIENT_RAW, 'real-key', 'header', 10))
  for (const name of [
    'host',
    'connection',
    'keep-alive',
    'proxy-connection',
    'proxy-authorization',
    'transfer-encoding',
    'upgrade',
    'te',
    'trailer',
    'accept-encoding',
  ]) {
    t.notOk(out.has(name), name)
  }
  t.end()
})

void t.test('keypool headers and x-request-id are not sent upstream', (t) => {
  const out = headerMap(upstreamHeaders(CLIENT_RAW, 'real-key', 'header', 10))
  t.notOk(out.has('x-keypool-priority'))
  t.notOk(out.has('x-keypool-max-wait'))
  t.notOk(out.has('x-request-id'))
  t.end()
})

void t.test('client and upload headers pass with their names and values as sent', (t) => {
  const flat = upstreamHeaders(CLIENT_RAW, 'real-key', 'header', 10)
  const pairs: string[] = []
  for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}: ${flat[i + 1]}`)
  t.ok(pairs.includes('x-goog-api-client: google-genai-sdk/2.32.0 gl-node/v20.20.2'))
  t.ok(pairs.includes('User-Agent: google-genai-sdk/2.32.0 gl-node/v20.20.2'))
  t.ok(pairs.includes('X-Goog-Upload-Protocol: resumable'))
  t.ok(pairs.includes('x-goog-upload-command: start'))
  t.ok(pairs.includes('Content-Type: application/json'))
  t.ok(pairs.includes('X-Server-Timeout: 30'))
  t.end()
})

void t.test('a header call carries exactly one credential: the real key in x-goog-api-key', (t) => {
  const out = headerMap(upstreamHeaders(CLIENT_RAW, 'real-key', 'header', 10))
  t.same(out.get('x-goog-api-key'), ['real-key'])
  t.notOk(out.has('authorization'))
  t.end()
})

void t.test('an OpenAI call carries exactly one credential: the real key as Bearer', (t) => {
  const out = headerMap(upstreamHeaders(CLIENT_RAW, 'real-key', 'bearer', 10))
  t.same(out.get('authorization'), ['Bearer real-key'])
  t.notOk(out.has('x-goog-api-key'))
  t.end()
})

void t.test('with the key in the query no credential header is sent at all', (t) => {
  const out = headerMap(upstreamHeaders(CLIENT_RAW, undefined, 'header', 10))
  t.notOk(out.has('x-goog-api-key'))
  t.notOk(out.has('authorization'))
  t.end()
})

void t.test('every copy of a client credential header is removed', (t) => {
  const raw = ['x-goog-api-key', 'one', 'X-GOOG-API-KEY', 'two', 'authorization', 'Bearer three']
  const out = headerMap(upstreamHeaders(raw, 'real-key', 'header', undefined))
  t.same(out.get('x-goog-api-key'), ['real-key'])
  t.notOk(out.has('authorization'))
  t.end()
})

void t.test('a held body replaces the client content-length with its own length', (t) => {
  const raw = ['Content-Length', '999', 'content-type', 'application/json']
  const out = headerMap(upstreamHeaders(raw, 'real-key', 'header', 42))
  t.same(out.get('content-length'), ['42'])
  t.end()
})

void t.test('a streamed body keeps the client content-length', (t) => {
  const raw = ['Content-Length', '1048576', 'X-Goog-Upload-Offset', '0']
  const flat = upstreamHeaders(raw, 'real-key', 'header', undefined)
  t.same(headerMap(flat).get('content-length'), ['1048576'])
  t.equal(flat[0], 'Content-Length')
  t.end()
})

void t.test('a bodiless call gets no content-length it did not send', (t) => {
  const out = headerMap(upstreamHeaders(['accept', '*/*'], 'real-key', 'header', undefined))
  t.notOk(out.has('content-length'))
  t.end()
})
