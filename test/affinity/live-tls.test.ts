import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Agent, request } from 'undici'
import { loadConfigFile } from '../../src/config/load.js'
import { APP_TOKEN, threeProjects } from './fixture.js'
import { LIVE_PATH, openLive } from './live-client.js'

/**
 * server.tls: Python opens the Live API with wss:// whatever its base URL, so keypool serves
 * HTTPS and WSS from a certificate and key file. The test makes a throwaway self-signed pair
 * with openssl; without openssl it cannot run.
 */

function throwawayCertificate(): { dir: string; cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'keypool-tls-'))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    return { dir, cert, key }
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
}

const pair = throwawayCertificate()
if (pair) t.teardown(() => rmSync(pair.dir, { recursive: true, force: true }))
const skip = pair ? false : 'openssl is not available to make a throwaway certificate'

t.test('keypool serves Live over wss:// with a header key, as Python does', { skip }, async (t) => {
  const stack = await threeProjects(t, { server: { tls: { cert: pair!.cert, key: pair!.key } } })
  t.match(stack.url, /^https:\/\//)
  const ca = readFileSync(pair!.cert)
  const url = `${stack.url.replace(/^https/, 'wss')}${LIVE_PATH}`
  const live = await openLive(url, { headers: { 'x-goog-api-key': APP_TOKEN }, ca })
  await live.setup('gemini-live-2.5-flash-preview')
  t.match(await live.ask('over tls'), /^Simulated reply to "over tls"/)
  t.ok(stack.sim.calls.at(-1)!.key?.startsWith('sim-key-'))
  live.ws.close()
  await live.closed
})

t.test('REST calls and upload URLs use https on the TLS listener', { skip }, async (t) => {
  const stack = await threeProjects(t, { server: { tls: { cert: pair!.cert, key: pair!.key } } })
  const dispatcher = new Agent({ connect: { ca: readFileSync(pair!.cert) } })
  t.teardown(() => dispatcher.close())
  const answer = await request(`${stack.url}/upload/v1beta/files`, {
    method: 'POST',
    dispatcher,
    headers: {
      'x-goog-api-key': APP_TOKEN,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ file: { mimeType: 'text/plain' } }),
  })
  await answer.body.dump()
  t.equal(answer.statusCode, 200)
  t.ok(String(answer.headers['x-goog-upload-url']).startsWith(`${stack.url}/upload/v1beta/files?`))
})

t.test(
  'server.tls paths are read relative to the config file and checked at load',
  { skip },
  async (t) => {
    const dir = t.testdir({
      'keypool.yaml': [
        'server: { tls: { cert: cert.pem, key: missing.pem } }',
        'keys: [{ id: a, key: k }]',
        'pools: { main: { keys: [a] } }',
        '',
      ].join('\n'),
      'cert.pem': readFileSync(pair!.cert, 'utf8'),
    })
    const error = await loadConfigFile(join(dir, 'keypool.yaml'), { env: {} }).catch(
      (e: Error) => e,
    )
    t.match((error as Error).message, /server\.tls\.key: cannot read .*missing\.pem \(ENOENT\)/)
    t.notMatch((error as Error).message, /server\.tls\.cert/)
  },
)
