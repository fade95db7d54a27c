import t, { type Test } from 'tap'
import type { Simulator } from '../../src/simulator/index.js'
import { raw, startSim } from '../helpers/sim-clients.js'

/** Starts an upload the way Python google-genai does: snake_case body, key on the start only. */
async function startPythonUpload(t: Test, sim: Simulator, size: number): Promise<string> {
  const answer = await raw(sim, 'POST', '/upload/v1beta/files', {
    headers: {
      'x-goog-api-key': 'sim-key-gamma-1',
      'content-type': 'application/json',
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(size),
      'x-goog-upload-header-content-type': 'application/octet-stream',
    },
    body: JSON.stringify({
      file: { mime_type: 'application/octet-stream', size_bytes: size, display_name: 'py' },
    }),
  })
  t.equal(answer.status, 200)
  t.equal(answer.text, '', 'the start answer has an empty body')
  t.equal(answer.headers['x-goog-upload-status'], 'active')
  return String(answer.headers['x-goog-upload-url'])
}

function uploadPath(t: Test, sim: Simulator, url: string): string {
  t.ok(
    url.startsWith(`${sim.url}/upload/v1beta/files?upload_id=`),
    'the URL points at the simulator',
  )
  t.ok(url.endsWith('&upload_protocol=resumable'))
  return url.slice(sim.url.length)
}

function chunk(sim: Simulator, path: string, command: string, offset: number, body: Buffer) {
  return raw(sim, 'POST', path, {
    headers: { 'x-goog-upload-command': command, 'x-goog-upload-offset': String(offset) },
    body,
  })
}

t.test('a Python-style upload sends its chunks without any key and is finalized', async (t) => {
  const { sim } = await startSim(t)
  const path = uploadPath(t, sim, await startPythonUpload(t, sim, 10))
  const first = await chunk(sim, path, 'upload', 0, Buffer.from('hello'))
  t.equal(first.status, 200)
  t.equal(first.headers['x-goog-upload-status'], 'active')
  const last = await chunk(sim, path, 'upload, finalize', 5, Buffer.from('world'))
  t.equal(last.headers['x-goog-upload-status'], 'final')
  t.match(last.json, {
    file: {
      sizeBytes: '10',
      mimeType: 'application/octet-stream',
      displayName: 'py',
      state: 'ACTIVE',
    },
  })
  t.match(sim.calls.at(-1), { key: null, project: 'gamma', status: 200 })
})

t.test('the upload query command reports the bytes received so far', async (t) => {
  const { sim } = await startSim(t)
  const path = uploadPath(t, sim, await startPythonUpload(t, sim, 8))
  await chunk(sim, path, 'upload', 0, Buffer.from('abc'))
  const query = await raw(sim, 'POST', path, { headers: { 'x-goog-upload-command': 'query' } })
  t.equal(query.headers['x-goog-upload-size-received'], '3')
})

t.test('a chunk at the wrong offset is refused', async (t) => {
  const { sim } = await startSim(t)
  const path = uploadPath(t, sim, await startPythonUpload(t, sim, 8))
  const answer = await chunk(sim, path, 'upload', 4, Buffer.from('abcd'))
  t.equal(answer.status, 400)
})

t.test('a chunk for an unknown upload_id gets 404', async (t) => {
  const { sim } = await startSim(t)
  const answer = await chunk(
    sim,
    '/upload/v1beta/files?upload_id=nope',
    'upload, finalize',
    0,
    Buffer.from('x'),
  )
  t.equal(answer.status, 404)
  t.match(answer.json, { error: { status: 'NOT_FOUND' } })
})

t.test('a finalized upload_id cannot be used again', async (t) => {
  const { sim } = await startSim(t)
  const path = uploadPath(t, sim, await startPythonUpload(t, sim, 1))
  await chunk(sim, path, 'upload, finalize', 0, Buffer.from('x'))
  t.equal((await chunk(sim, path, 'upload, finalize', 0, Buffer.from('x'))).status, 404)
})

t.test('a large upload is counted, not kept, and cannot be downloaded', async (t) => {
  const { sim } = await startSim(t)
  const size = 3 * 1024 * 1024
  const path = uploadPath(t, sim, await startPythonUpload(t, sim, size))
  const final = await chunk(sim, path, 'upload, finalize', 0, Buffer.alloc(size, 7))
  const file = (final.json as { file: { name: string; sizeBytes: string } }).file
  t.equal(file.sizeBytes, String(size))
  const download = await raw(sim, 'GET', `/v1beta/${file.name}:download?alt=media`, {
    headers: { 'x-goog-api-key': 'sim-key-gamma-1' },
  })
  t.equal(download.status, 400)
})

t.test('the upload start also answers under /upload/v1 for @google/genai 3.x', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', '/upload/v1/files', {
    headers: { 'x-goog-api-key': 'sim-key-alpha-1', 'x-goog-upload-protocol': 'resumable' },
    body: JSON.stringify({ file: { mimeType: 'text/plain', sizeBytes: '1' } }),
  })
  t.match(answer.headers['x-goog-upload-url'], `${sim.url}/upload/v1/files?upload_id=`)
})

t.test('an upload start needs a valid key', async (t) => {
  const { sim } = await startSim(t)
  const answer = await raw(sim, 'POST', '/upload/v1beta/files', {
    headers: { 'x-goog-upload-protocol': 'resumable' },
    body: '{}',
  })
  t.equal(answer.status, 403)
})
