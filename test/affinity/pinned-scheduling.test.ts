import t from 'tap'
import type { ManualClock } from '../../src/util/clock.js'
import { waitFor } from '../helpers/wait.js'
import { APP_TOKEN, call, callsTo, genai, threeProjects } from './fixture.js'

const MODEL = 'gemini-2.5-flash'

t.test('a pinned call waits for its project without holding up other calls', async (t) => {
  const stack = await threeProjects(t, { limits: [{ models: MODEL, rpm: 1 }] })
  const ai = genai(stack)
  const file = await ai.files.upload({ file: new Blob(['x'], { type: 'text/plain' }) })
  const project = callsTo(stack, '/upload/')[0]!.project
  const path = `${stack.url}/v1beta/models/${MODEL}:generateContent`
  const headers = { 'x-goog-api-key': APP_TOKEN, 'content-type': 'application/json' }
  const body = JSON.stringify({ contents: [{ parts: [{ fileData: { fileUri: file.uri } }] }] })

  t.equal((await call(path, 'POST', headers, body)).status, 200, 'the first use spends the minute')
  const waiting = call(path, 'POST', headers, body)
  await waitFor(() => stack.keypool.scheduler.queueDepths()[0]!.depth === 1, 'the call to queue')

  const other = await ai.models.generateContent({ model: MODEL, contents: 'not pinned' })
  t.ok(other.text, 'a call any project may serve goes at once')
  t.not(stack.sim.calls.at(-1)!.project, project)

  ;(stack.clock as ManualClock).advance(60_000)
  t.equal((await waiting).status, 200, 'the pinned call went once its project had room')
  const pinned = stack.sim.calls.filter((c) => c.model === MODEL && c.project === project)
  t.equal(pinned.length, 2)
})

t.test('a pinned call to a pool without a key of its project gets 503, nothing sent', async (t) => {
  const stack = await threeProjects(t)
  await stack.keypool.affinity.learn(['cachedContents/elsewhere'], { project: 'zulu' })
  const reply = await call(
    `${stack.url}/v1beta/models/${MODEL}:generateContent`,
    'POST',
    { 'x-goog-api-key': APP_TOKEN, 'content-type': 'application/json' },
    JSON.stringify({ contents: 'hi', cachedContent: 'cachedContents/elsewhere' }),
  )
  t.equal(reply.status, 503)
  t.match(reply.json.error.message, /project "zulu"/)
  t.equal(stack.sim.calls.length, 0)
})
