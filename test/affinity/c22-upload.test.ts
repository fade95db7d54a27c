import t from 'tap'
import { APP_TOKEN, call, callsTo, keypoolCode, threeProjects } from './fixture.js'

const START_HEADERS = {
  'x-goog-upload-protocol': 'resumable',
  'x-goog-upload-command': 'start',
  'x-goog-upload-header-content-length': '10',
  'x-goog-upload-header-content-type': 'text/plain',
  'content-type': 'application/json',
}
const START_BODY = JSON.stringify({ file: { mime_type: 'text/plain', size_bytes: 10 } })

function chunkHeaders(offset: number, command: string): Record<string, string> {
  // What the Python SDK sends: upload headers, no key, no SDK headers.
  return {
    'x-goog-upload-command': command,
    'x-goog-upload-offset': String(offset),
    'user-agent': 'python-httpx/0.28.1',
  }
}

t.test(
  'C22: chunks without a credential are accepted for an upload_id keypool issued',
  async (t) => {
    const stack = await threeProjects(t)
    const started = await call(
      `${stack.url}/upload/v1beta/files?key=${APP_TOKEN}`,
      'POST',
      START_HEADERS,
      START_BODY,
    )
    t.equal(started.status, 200)
    const uploadUrl = started.headers['x-goog-upload-url'] as string
    t.ok(uploadUrl.startsWith(`${stack.url}/upload/v1beta/files?upload_id=`), uploadUrl)
    t.notMatch(uploadUrl, /key=/, 'no key in the URL')
    t.notMatch(uploadUrl, stack.sim.url, 'the URL does not lead around keypool')

    const first = await call(uploadUrl, 'POST', chunkHeaders(0, 'upload'), 'hello')
    t.equal(first.status, 200)
    t.equal(first.headers['x-goog-upload-status'], 'active')
    const last = await call(uploadUrl, 'POST', chunkHeaders(5, 'upload, finalize'), 'world')
    t.equal(last.status, 200)
    t.equal(last.headers['x-goog-upload-status'], 'final')
    t.match(last.json.file.name, /^files\//)

    const keys = callsTo(stack, '/upload/').map((c) => c.key)
    t.equal(new Set(keys).size, 1, 'every chunk went with the key that started the session')
    t.ok(keys[0]!.startsWith('sim-key-'))
    const pin = await stack.keypool.affinity.lookup(last.json.file.name)
    t.equal(pin?.project, callsTo(stack, '/upload/')[0]!.project, 'the new file is pinned')
  },
)

t.test('C22: an unknown upload_id is refused with 404, token or not', async (t) => {
  const stack = await threeProjects(t)
  const url = `${stack.url}/upload/v1beta/files?upload_id=made-up&upload_protocol=resumable`
  for (const headers of [chunkHeaders(0, 'upload, finalize'), { 'x-goog-api-key': APP_TOKEN }]) {
    const reply = await call(url, 'POST', headers, 'bytes')
    t.equal(reply.status, 404)
    t.equal(reply.json.error.status, 'NOT_FOUND')
    t.equal(keypoolCode(reply), 'KP_ERR_UNKNOWN_UPLOAD')
  }
  t.equal(stack.sim.calls.length, 0, 'nothing reached the upstream')
})

t.test('a start without a client token gets 403 and opens no session', async (t) => {
  const stack = await threeProjects(t)
  const reply = await call(`${stack.url}/upload/v1beta/files`, 'POST', START_HEADERS, START_BODY)
  t.equal(reply.status, 403)
  t.equal(stack.keypool.affinity.size, 0)
})

t.test(
  'the upload URL keeps the scheme, host and prefix the client reached keypool by',
  async (t) => {
    const stack = await threeProjects(t)
    const headers = {
      ...START_HEADERS,
      'x-goog-api-key': APP_TOKEN,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gateway.example:8443',
      'x-forwarded-prefix': '/gemini/',
    }
    const started = await call(`${stack.url}/upload/v1beta/files`, 'POST', headers, START_BODY)
    const url = new URL(started.headers['x-goog-upload-url'] as string)
    t.equal(url.origin, 'https://gateway.example:8443')
    t.equal(url.pathname, '/gemini/upload/v1beta/files')
    t.ok(url.searchParams.get('upload_id'))
    t.equal(url.searchParams.get('upload_protocol'), 'resumable')
  },
)

t.test('uploads of one client all go to one project, chosen once', async (t) => {
  const stack = await threeProjects(t)
  const start = () =>
    call(
      `${stack.url}/upload/v1beta/files`,
      'POST',
      { ...START_HEADERS, 'x-goog-api-key': APP_TOKEN },
      START_BODY,
    )
  for (let i = 0; i < 5; i++) t.equal((await start()).status, 200)
  const projects = new Set(callsTo(stack, '/upload/').map((c) => c.project))
  t.equal(projects.size, 1)
})
