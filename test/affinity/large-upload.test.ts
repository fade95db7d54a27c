import { request } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import t from 'tap'
import { APP_TOKEN, call, threeProjects } from './fixture.js'

const MIB = 1024 * 1024
const FILE_MIB = 400

/** 400 MiB from a generator: one 1 MiB buffer sent again and again, nothing held by the test. */
function* fileBytes(): Generator<Buffer> {
  const piece = Buffer.alloc(MIB, 0x61)
  for (let i = 0; i < FILE_MIB; i++) yield piece
}

/** The most external memory (Buffers) seen while `work` runs, sampled every few ms. */
async function peakArrayBuffers(work: () => Promise<void>): Promise<number> {
  let peak = process.memoryUsage().arrayBuffers
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers)
  }, 5)
  try {
    await work()
  } finally {
    clearInterval(sampler)
  }
  return peak
}

function sendChunk(url: string, headers: Record<string, string>): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
      res.on('error', reject)
    })
    req.on('error', reject)
    pipeline(Readable.from(fileBytes()), req).catch(reject)
  })
}

t.test('a 400 MiB upload streams through keypool without being held', async (t) => {
  const stack = await threeProjects(t, { server: { maxBodySize: '1gb' } })
  const size = String(FILE_MIB * MIB)
  const started = await call(
    `${stack.url}/upload/v1beta/files`,
    'POST',
    {
      'x-goog-api-key': APP_TOKEN,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': size,
      'content-type': 'application/json',
    },
    JSON.stringify({ file: { mimeType: 'application/octet-stream' } }),
  )
  const uploadUrl = started.headers['x-goog-upload-url'] as string

  const before = process.memoryUsage()
  let file: Record<string, any> = {}
  const peak = await peakArrayBuffers(async () => {
    // One single chunk of the whole file, no key, as the protocol allows: held anywhere, it
    // would show as 400 MiB of Buffers.
    file = await sendChunk(uploadUrl, {
      'x-goog-upload-command': 'upload, finalize',
      'x-goog-upload-offset': '0',
      'content-length': size,
    })
  })
  t.equal(file.file?.sizeBytes, size, 'the simulator received every byte')
  const growth = (peak - before.arrayBuffers) / MIB
  t.ok(
    growth < FILE_MIB / 4,
    `Buffers grew by at most ${growth.toFixed(1)} MiB for a ${FILE_MIB} MiB file`,
  )
  const heapGrowth = (process.memoryUsage().heapUsed - before.heapUsed) / MIB
  t.ok(heapGrowth < FILE_MIB / 4, `the heap grew by ${heapGrowth.toFixed(1)} MiB`)
})
