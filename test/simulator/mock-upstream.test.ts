import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import t, { type Test } from 'tap'
import { run } from '../../src/cli/mock-upstream.js'

interface Running {
  url: string
  exit: Promise<number>
}

/** Runs the command on port 0 and waits for the line that names its URL. */
async function startCommand(
  t: Test,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Running> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let errText = ''
  stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()))
  const line = new Promise<string>((resolve) => {
    let text = ''
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(text)
    })
  })
  const exit = run(['--port', '0', ...args], { stdout, stderr, env })
  const first = await Promise.race([line, exit.then((code) => `exited ${code}: ${errText}`)])
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(first)?.[0]
  if (!url) throw new Error(`no URL printed: ${first}`)
  t.teardown(async () => {
    process.emit('SIGTERM')
    await exit
  })
  return { url, exit }
}

t.test('mock-upstream prints its URL and serves the built-in keys', async (t) => {
  const running = await startCommand(t, [])
  const answer = await fetch(`${running.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'sim-key-delta-1' },
    body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
  })
  t.equal(answer.status, 200)
})

t.test('mock-upstream stops and resolves 0 on SIGINT', async (t) => {
  const stdout = new PassThrough()
  const printed = new Promise((resolve) => stdout.once('data', resolve))
  const exit = run(['--port', '0'], { stdout, stderr: new PassThrough(), env: {} })
  await printed
  process.emit('SIGINT')
  t.equal(await exit, 0)
})

const CONFIG_YAML = [
  'keys:',
  '  - { id: one, key: "${ONE_KEY}", project: shared }',
  '  - { id: two, key: two-secret }',
  'limits:',
  '  - { models: "gemini-2.5-flash", rpm: 1 }',
  'pools:',
  '  main: { keys: [one, two] }',
  '',
].join('\n')

function generateWith(url: string, key: string): Promise<Response> {
  return fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: 'POST',
    headers: { 'x-goog-api-key': key },
    body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
  })
}

t.test('mock-upstream --config takes the keys, projects and limits of a config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'keypool-sim-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'keypool.yaml')
  await writeFile(path, CONFIG_YAML)
  const { url } = await startCommand(t, ['--config', path], { ONE_KEY: 'one-secret' })
  t.equal((await generateWith(url, 'one-secret')).status, 200)
  t.equal((await generateWith(url, 'one-secret')).status, 429, 'the config limit applies')
  t.equal((await generateWith(url, 'two-secret')).status, 200, 'a key alone is its own project')
  t.equal((await generateWith(url, 'sim-key-alpha-1')).status, 400, 'no built-in keys')
})

t.test('mock-upstream refuses a bad --port with exit code 2', async (t) => {
  const stderr = new PassThrough()
  let text = ''
  stderr.on('data', (c: Buffer) => (text += c.toString()))
  const code = await run(['--port', 'http'], { stdout: new PassThrough(), stderr, env: {} })
  t.equal(code, 2)
  t.match(text, /--port must be 0 to 65535/)
})

t.test('mock-upstream reports a missing config file with exit code 1', async (t) => {
  const stderr = new PassThrough()
  let text = ''
  stderr.on('data', (c: Buffer) => (text += c.toString()))
  const code = await run(['--config', '/nonexistent/keypool.yaml'], {
    stdout: new PassThrough(),
    stderr,
    env: {},
  })
  t.equal(code, 1)
  t.match(text, /nonexistent/)
})
