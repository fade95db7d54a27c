import { createServer, request } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import type { Dispatcher } from 'undici'
import { createUpstreamDispatcher } from '../../src/upstream/dispatcher.js'
import { systemClock } from '../../src/util/clock.js'
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js'
import { errorInfo, rawCall } from '../helpers/upstream-tap.js'

/**
 * `server.upstreamProxy`, and HTTPS_PROXY / HTTP_PROXY with NO_PROXY, carry the outbound
 * connection. undici's ProxyAgent tunnels with CONNECT even to an http:// upstream (its
 * `proxyTunnel` defaults to true); the forward proxy below also serves absolute-form requests.
 */

interface ForwardProxy {
  url: string
  /** `CONNECT host:port`, or `GET http://…` for absolute-form requests. */
  seen: string[]
}

/** A tiny forward proxy on port 0; it refuses tunnels to port 443, so no test leaves the host. */
async function startForwardProxy(t: Test): Promise<ForwardProxy> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const upstream = request(req.url!, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req, client: Socket) => {
    seen.push(`CONNECT ${req.url}`)
    sockets.add(client)
    const [host, port] = [
      req.url!.slice(0, req.url!.lastIndexOf(':')),
      Number(req.url!.split(':').pop()),
    ]
    if (port === 443) return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
    const target = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      target.pipe(client)
      client.pipe(target)
    })
    sockets.add(target)
    target.on('error', () => client.destroy())
    client.on('error', () => target.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen }
}

/** Keypool whose dispatcher is built from `env` as the app builds it from process.env. */
function withEnv(t: Test, env: NodeJS.ProcessEnv, extra: StackOptions = {}): StackOptions {
  return {
    ...extra,
    dispatcher: (config) => {
      const dispatcher: Dispatcher = createUpstreamDispatcher(config.server, env)
      t.teardown(() => dispatcher.close())
      return dispatcher
    },
  }
}

const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent'

function generate(url: string) {
  return rawCall(url, 'POST', GENERATE, {
    headers: { 'content-type': 'application/json' },
    body: '{"contents":[{"parts":[{"text":"hi"}]}]}',
  })
}

t.test('server.upstreamProxy carries the upstream call', async (t) => {
  const proxy = await startForwardProxy(t)
  const stack = await startStack(t, { config: { server: { upstreamProxy: proxy.url } } })
  const answer = await generate(stack.url)
  t.equal(answer.status, 200)
  t.same(proxy.seen, [`CONNECT ${new URL(stack.sim.url).host}`], 'the call went through the proxy')
  t.equal(stack.sim.calls.length, 1)
})

t.test('HTTP_PROXY carries calls to an http upstream', async (t) => {
  const proxy = await startForwardProxy(t)
  const stack = await startStack(t, withEnv(t, { HTTP_PROXY: proxy.url }))
  t.equal((await generate(stack.url)).status, 200)
  t.same(proxy.seen, [`CONNECT ${new URL(stack.sim.url).host}`])
})

t.test('NO_PROXY naming the upstream host bypasses the proxy', async (t) => {
  const proxy = await startForwardProxy(t)
  const stack = await startStack(
    t,
    withEnv(t, { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }),
  )
  t.equal((await generate(stack.url)).status, 200)
  t.same(proxy.seen, [], 'the proxy saw nothing')
  t.equal(stack.sim.calls.length, 1, 'the upstream was called directly')
})

/** keypool in front of Google's https origin, its outbound calls sent to `proxy` by HTTPS_PROXY. */
function viaHttpsProxy(t: Test, proxy: ForwardProxy): Promise<Stack> {
  const fastRetries = { retry: { maxAttempts: 2, backoff: { base: '1ms', max: '2ms' } } }
  const options = { clock: systemClock, upstream: () => GOOGLE, config: fastRetries }
  return startStack(t, withEnv(t, { HTTPS_PROXY: proxy.url }, options))
}

const GOOGLE = 'https://generativelanguage.googleapis.com'

t.test('HTTPS_PROXY carries calls to Google over a CONNECT tunnel', async (t) => {
  const proxy = await startForwardProxy(t)
  const stack = await viaHttpsProxy(t, proxy)
  await rawCall(stack.url, 'GET', '/v1beta/models', {})
  t.ok(proxy.seen.length > 0, 'the proxy was asked')
  t.ok(
    proxy.seen.every((line) => line === 'CONNECT generativelanguage.googleapis.com:443'),
    "every attempt asked the proxy for Google's host",
  )
})

t.test(
  'a tunnel the proxy refuses counts as not sent: retried, then 503 in Google shape',
  async (t) => {
    const proxy = await startForwardProxy(t)
    const stack = await viaHttpsProxy(t, proxy)
    const answer = await generate(stack.url)
    t.equal(answer.status, 503, 'not 502: the call never left, so it cannot have been billed')
    t.match(answer.json, { error: { code: 503, status: 'UNAVAILABLE' } })
    t.match(errorInfo(answer.json), { domain: 'keypool', reason: 'UPSTREAM_UNREACHABLE' })
    t.equal(proxy.seen.length, 2, 'a generate call was retried, as nothing had been sent')
  },
)

t.test('HTTPS_PROXY alone leaves calls to an http upstream direct', async (t) => {
  const proxy = await startForwardProxy(t)
  const stack = await startStack(t, withEnv(t, { HTTPS_PROXY: proxy.url }))
  t.equal((await generate(stack.url)).status, 200)
  t.same(proxy.seen, [])
})
