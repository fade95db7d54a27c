import { createPartFromUri } from '@google/genai'
import { GoogleGenerativeAI } from '@google/generative-ai'
import { GoogleAIFileManager } from '@google/generative-ai/server'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import {
  APP_TOKEN,
  OTHER_TOKEN,
  call,
  callsTo,
  genai,
  keypoolCode,
  projectsOf,
  threeProjects,
} from './fixture.js'

const MODEL = 'gemini-2.5-flash'

t.test('C01: two uploads and a generate that uses both land on one project', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const first = await ai.files.upload({ file: new Blob(['first file'], { type: 'text/plain' }) })
  // Other traffic in between rotates keys over every project.
  for (let i = 0; i < 3; i++) await ai.models.generateContent({ model: MODEL, contents: `q${i}` })
  const second = await ai.files.upload({ file: new Blob(['second file'], { type: 'text/plain' }) })
  t.ok(projectsOf(callsTo(stack, ':generateContent')).length > 1, 'other calls rotated')

  const answer = await ai.models.generateContent({
    model: MODEL,
    contents: [
      createPartFromUri(first.uri!, 'text/plain'),
      createPartFromUri(second.uri!, 'text/plain'),
      'Compare the two files',
    ],
  })
  t.ok(answer.text, 'the answer has text')
  const uploads = callsTo(stack, '/upload/')
  t.equal(uploads.length, 4, 'two starts and two chunks')
  const used = stack.sim.calls.at(-1)!
  t.equal(used.status, 200)
  t.same(projectsOf([...uploads, used]), [uploads[0]!.project], 'uploads and use share a project')
  t.notOk(
    stack.sim.calls.some((c) => c.status === 403),
    'no 403 from rotation',
  )
})

t.test('files.get, download and delete go to the project that holds the file', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const file = await ai.files.upload({ file: new Blob(['keep me'], { type: 'text/plain' }) })
  const project = callsTo(stack, '/upload/')[0]!.project
  for (let i = 0; i < 3; i++) t.equal((await ai.files.get({ name: file.name! })).name, file.name)
  const download = await call(`${stack.url}/v1beta/${file.name}:download?alt=media`, 'GET', {
    'x-goog-api-key': APP_TOKEN,
  })
  t.equal(download.text, 'keep me')
  await ai.files.delete({ name: file.name! })
  t.same(projectsOf(callsTo(stack, `/${file.name}`)), [project])
  t.notOk(stack.sim.calls.some((c) => c.status === 403))
})

t.test('a file listed through keypool is pinned to the project that listed it', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const file = await ai.files.upload({ file: new Blob(['listed'], { type: 'text/plain' }) })
  await stack.keypool.affinity.forget(file.name!)
  const names: string[] = []
  // Lists go to whichever project rotation picks; only the holder's list names the file.
  for (let i = 0; i < 3; i++) for await (const f of await ai.files.list()) names.push(f.name!)
  t.ok(names.includes(file.name!))
  const pin = await stack.keypool.affinity.lookup(file.name!)
  t.equal(pin?.project, callsTo(stack, '/upload/')[0]!.project)
})

t.test('uploads of @google/generative-ai (multipart) stay in one project too', async (t) => {
  const stack = await threeProjects(t)
  const folder = await mkdtemp(join(tmpdir(), 'keypool-c01-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const files = new GoogleAIFileManager(APP_TOKEN, { baseUrl: stack.url })
  const uris: string[] = []
  for (const name of ['a.txt', 'b.txt']) {
    await writeFile(join(folder, name), `content of ${name}`)
    const uploaded = await files.uploadFile(join(folder, name), { mimeType: 'text/plain' })
    uris.push(uploaded.file.uri)
  }
  const model = new GoogleGenerativeAI(APP_TOKEN).getGenerativeModel(
    { model: MODEL },
    { baseUrl: stack.url },
  )
  const parts = uris.map((fileUri) => ({ fileData: { fileUri, mimeType: 'text/plain' } }))
  const result = await model.generateContent([...parts, { text: 'Summarise' }])
  t.ok(result.response.text())
  const used = [...callsTo(stack, '/upload/'), stack.sim.calls.at(-1)!]
  t.equal(projectsOf(used).length, 1, 'both multipart uploads and the use share a project')
})

t.test('a call naming files of two projects is refused with FAILED_PRECONDITION', async (t) => {
  const stack = await threeProjects(t)
  const mine = await genai(stack).files.upload({ file: new Blob(['a'], { type: 'text/plain' }) })
  const theirs = await genai(stack, OTHER_TOKEN).files.upload({
    file: new Blob(['b'], { type: 'text/plain' }),
  })
  t.not(mine.name, theirs.name)
  t.equal(projectsOf(callsTo(stack, '/upload/')).length, 2, 'each client has its own project')
  const before = stack.sim.calls.length
  const body = JSON.stringify({
    contents: [
      {
        role: 'user',
        parts: [{ fileData: { fileUri: mine.uri } }, { fileData: { fileUri: theirs.uri } }],
      },
    ],
  })
  const reply = await call(
    `${stack.url}/v1beta/models/${MODEL}:generateContent`,
    'POST',
    {
      'x-goog-api-key': APP_TOKEN,
      'content-type': 'application/json',
    },
    body,
  )
  t.equal(reply.status, 400)
  t.equal(reply.json.error.status, 'FAILED_PRECONDITION')
  t.equal(keypoolCode(reply), 'KP_ERR_MIXED_PROJECTS')
  t.match(reply.json.error.message, mine.name!)
  t.equal(stack.sim.calls.length, before, 'nothing was sent upstream')
})

t.test('a pinned call whose project is out of budget waits or gets keypool 429', async (t) => {
  const limits = [{ models: MODEL, rpm: 1 }]
  const stack = await threeProjects(t, { limits })
  const ai = genai(stack)
  const file = await ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }) })
  const project = callsTo(stack, '/upload/')[0]!.project
  const body = JSON.stringify({ contents: [{ parts: [{ fileData: { fileUri: file.uri } }] }] })
  const headers = {
    'x-goog-api-key': APP_TOKEN,
    'content-type': 'application/json',
    'x-keypool-max-wait': '1s',
  }
  const path = `${stack.url}/v1beta/models/${MODEL}:generateContent`
  t.equal((await call(path, 'POST', headers, body)).status, 200)
  const refused = await call(path, 'POST', headers, body)
  t.equal(refused.status, 429, 'the only project that can see the file is spent')
  t.equal(keypoolCode(refused), 'KP_ERR_WAIT_TOO_LONG')
  const free = await ai.models.generateContent({ model: MODEL, contents: 'no file here' })
  t.ok(free.text, 'calls without the file still go to other projects')
  const uses = stack.sim.calls.filter((c) => c.model === MODEL && c.project === project)
  t.equal(uses.length, 1, 'the spent project got no second call')
  t.notOk(stack.sim.calls.some((c) => c.status === 403 || c.status === 429))
})

t.test('retries of a pinned call stay inside its project', async (t) => {
  const keys = [
    { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
    { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
    { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
  ]
  const pools = { main: { keys: keys.map((k) => k.id) } }
  // No jitter: the backoff before a retry runs on the test's manual clock.
  const stack = await threeProjects(t, { keys, pools }, { random: () => 0 })
  const ai = genai(stack)
  const file = await ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }) })
  const project = callsTo(stack, '/upload/')[0]!.project!
  stack.sim.faults.add({ kind: 'status', preset: 'overloaded', project, count: 1 })
  const answer = await ai.models.generateContent({
    model: MODEL,
    contents: [createPartFromUri(file.uri!, 'text/plain'), 'Read it'],
  })
  t.ok(answer.text)
  const attempts = stack.sim.calls.filter((c) => c.model === MODEL)
  t.same(
    attempts.map((c) => c.status),
    [503, 200],
    'the 503 was retried',
  )
  t.same(projectsOf(attempts), [project], 'both attempts went to the project holding the file')
})

t.test(
  "a client's file list goes to its uploads' project, so it lists its own files each time",
  async (t) => {
    const stack = await threeProjects(t)
    const app = genai(stack)
    const other = genai(stack, OTHER_TOKEN)
    const mine = await app.files.upload({ file: new Blob(['mine'], { type: 'text/plain' }) })
    await other.files.upload({ file: new Blob(['theirs'], { type: 'text/plain' }) })

    for (let i = 0; i < 4; i++) {
      const names: string[] = []
      for await (const file of await app.files.list()) names.push(file.name!)
      t.same(names, [mine.name], `list ${i + 1} shows the app's own file`)
    }
  },
)
