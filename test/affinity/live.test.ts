import { GoogleGenAI, Modality, type LiveServerMessage } from '@google/genai'
import t from 'tap'
import { waitFor } from '../helpers/wait.js'
import { APP_TOKEN, genai, threeProjects } from './fixture.js'
import { LIVE_PATH, openLive } from './live-client.js'

const LIVE_MODEL = 'gemini-live-2.5-flash-preview'

function wsUrl(httpUrl: string, path = LIVE_PATH): string {
  return `${httpUrl.replace(/^http/, 'ws')}${path}`
}

t.test('@google/genai live.connect talks to the simulator through keypool', async (t) => {
  const stack = await threeProjects(t)
  const messages: LiveServerMessage[] = []
  const session = await genai(stack).live.connect({
    model: LIVE_MODEL,
    config: { responseModalities: [Modality.TEXT] },
    callbacks: { onmessage: (message) => messages.push(message) },
  })
  session.sendClientContent({ turns: 'Hello over the socket', turnComplete: true })
  await waitFor(() => messages.some((m) => m.serverContent?.turnComplete), 'the turn to end')
  const text = messages.map((m) => m.text ?? '').join('')
  t.match(text, /^Simulated reply to "Hello over the socket"/)
  const live = stack.sim.calls.find((c) => c.path.includes('BidiGenerateContent'))!
  t.ok(live.key?.startsWith('sim-key-'), 'the upstream got a real key, not the client token')
  t.equal(live.model, LIVE_MODEL)
  t.equal(stack.keypool.live.openIn(live.project!), 1, 'the session holds a slot')
  session.close()
  await waitFor(() => stack.keypool.live.size === 0, 'the session to end')
  t.equal(stack.keypool.live.openIn(live.project!), 0, 'the slot is given back')
  await waitFor(() => stack.sim.liveSessions(live.project!) === 0, 'the upstream side to close')
})

t.test('a key in the x-goog-api-key header (Python) is swapped too', async (t) => {
  const stack = await threeProjects(t)
  const live = await openLive(wsUrl(stack.url), { headers: { 'x-goog-api-key': APP_TOKEN } })
  await live.setup(LIVE_MODEL)
  t.match(await live.ask('from python'), /^Simulated reply/)
  const seen = stack.sim.calls.at(-1)!
  t.ok(seen.key?.startsWith('sim-key-'))
  live.ws.close()
  t.equal((await live.closed).code, 1005)
})

t.test(
  'a project holds at most liveSessions sessions; the next waits for a free one',
  async (t) => {
    const limits = [
      { models: 'gemini-2.5-flash', rpm: 1000 },
      { models: 'gemini-live-*', liveSessions: 1 },
    ]
    const stack = await threeProjects(t, { limits })
    const open = async () => {
      const live = await openLive(wsUrl(stack.url), { headers: { 'x-goog-api-key': APP_TOKEN } })
      return {
        live,
        ready: live.setup(LIVE_MODEL).then(
          () => true,
          () => false,
        ),
      }
    }
    const sessions = [await open(), await open(), await open()]
    t.same(await Promise.all(sessions.map((s) => s.ready)), [true, true, true])
    for (const project of ['alpha', 'beta', 'gamma']) t.equal(stack.keypool.live.openIn(project), 1)

    const fourth = await open()
    t.equal(await fourth.ready, false)
    const closed = await fourth.live.closed
    t.equal(closed.code, 1013, 'try again later')
    t.match(closed.reason, /liveSessions/)

    sessions[0]!.live.ws.close()
    await waitFor(() => stack.keypool.live.size === 2, 'a session to end')
    const fifth = await open()
    t.equal(await fifth.ready, true, 'a freed slot serves the next session')
    for (const s of [...sessions.slice(1), fifth]) s.live.ws.close()
  },
)

t.test(
  'an ephemeral token opens the Constrained method in the project that minted it',
  async (t) => {
    const stack = await threeProjects(t)
    const token = await genai(stack).authTokens.create({ config: { uses: 1 } })
    const minted = stack.sim.calls.find((c) => c.path.endsWith('/auth_tokens'))!
    const ephemeral = new GoogleGenAI({
      apiKey: token.name!,
      httpOptions: { baseUrl: stack.url, apiVersion: 'v1alpha' },
    })
    const messages: LiveServerMessage[] = []
    const session = await ephemeral.live.connect({
      model: LIVE_MODEL,
      callbacks: { onmessage: (message) => messages.push(message) },
    })
    session.sendClientContent({ turns: 'ephemeral hello', turnComplete: true })
    await waitFor(() => messages.some((m) => m.serverContent?.turnComplete), 'the turn to end')
    const live = stack.sim.calls.at(-1)!
    t.match(live.path, /BidiGenerateContentConstrained$/)
    t.equal(live.key, token.name, 'the token itself is the credential upstream')
    t.equal(live.project, minted.project, 'the session went to the minting project')
    session.close()
  },
)

t.test('an unknown client token is refused before the upgrade', async (t) => {
  const stack = await threeProjects(t)
  const refused = await openLive(`${wsUrl(stack.url)}?key=not-a-client`).catch((e: Error) => e)
  t.equal((refused as { status?: number }).status, 400)
  t.match((refused as { body?: string }).body, /API_KEY_INVALID/)
  const ephemeral = await openLive(
    wsUrl(stack.url, `${LIVE_PATH}Constrained?access_token=auth_tokens/unknown`),
  ).catch((e: Error) => e)
  t.equal((ephemeral as { status?: number }).status, 400)
  t.equal(stack.sim.calls.length, 0)
})

t.test('a key the upstream refuses is disabled and the session opens on another', async (t) => {
  const keys = [
    { id: 'broken-1', key: 'sim-key-does-not-exist', project: 'zulu' },
    { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  ]
  const stack = await threeProjects(t, { keys, pools: { main: { keys: ['broken-1', 'alpha-1'] } } })
  const live = await openLive(wsUrl(stack.url), { headers: { 'x-goog-api-key': APP_TOKEN } })
  await live.setup(LIVE_MODEL)
  t.match(await live.ask('still works'), /^Simulated reply/)
  t.equal(stack.keypool.keys.find((k) => k.id === 'broken-1')!.state, 'disabled')
  t.equal(stack.sim.calls.at(-1)!.project, 'alpha')
  live.ws.close()
})

t.test('shutdown closes open Live sessions with 1001 once the grace is over', async (t) => {
  const stack = await threeProjects(t)
  const live = await openLive(wsUrl(stack.url), { headers: { 'x-goog-api-key': APP_TOKEN } })
  await live.setup(LIVE_MODEL)
  await stack.keypool.shutdown(0)
  const closed = await live.closed
  t.equal(closed.code, 1001)
  t.equal(stack.keypool.live.size, 0)
})
