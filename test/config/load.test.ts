import t from 'tap'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/errors.js'
import {
  loadConfigFile,
  parseConfigText,
  resolveConfigPath,
  DEFAULT_CONFIG_PATH,
} from '../../src/config/load.js'

const MINIMAL = `
keys:
  - { id: a, key: secret-a }
pools:
  main: { keys: [a] }
`

function parse(text: string, env: NodeJS.ProcessEnv = {}) {
  return parseConfigText(text, { source: 'test.yaml', env })
}

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parse(text, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n')
    throw error
  }
  throw new Error('expected a ConfigError')
}

t.test('a minimal file gets every default, durations in ms and sizes in bytes', async (t) => {
  const config = parse(MINIMAL)
  t.equal(config.server.listen, '127.0.0.1:8787')
  t.equal(config.server.upstream, 'https://generativelanguage.googleapis.com')
  t.equal(config.server.requestTimeout, 600_000)
  t.equal(config.server.streamIdleTimeout, 300_000)
  t.equal(config.server.shutdownGrace, 30_000)
  t.equal(config.server.maxBodySize, 100 * 1024 * 1024)
  t.equal(config.state.store, 'memory')
  t.equal(config.queue.maxWait, 120_000)
  t.equal(config.queue.maxBytes, 256 * 1024 * 1024)
  t.same(config.retry.backoff, { base: 250, max: 5000 })
  t.same(config.pools.main, {
    match: {},
    keys: ['a'],
    strategy: 'most-headroom',
    defaultLimits: { rpm: 5, tpm: 250_000, rpd: 20 },
  })
  t.same(Object.keys(config.tiers), ['free', 'premium', 'vip'])
  t.same(config.clients, [])
})

t.test('an explicit zero is kept, not replaced by the default', async (t) => {
  const config = parse(`${MINIMAL}queue: { maxSize: 0, maxWait: 0s }\n`)
  t.equal(config.queue.maxSize, 0)
  t.equal(config.queue.maxWait, 0)
})

t.test('a key without project is its own project key:<id>', async (t) => {
  const config = parse(`
keys:
  - { id: a, key: k1 }
  - { id: b, key: k2, project: shared }
pools: { main: { keys: [a, b] } }
`)
  t.equal(config.keys[0]!.project, 'key:a')
  t.equal(config.keys[1]!.project, 'shared')
})

t.test('the result is deeply frozen', async (t) => {
  const config = parse(MINIMAL)
  t.ok(Object.isFrozen(config))
  t.ok(Object.isFrozen(config.server))
  t.ok(Object.isFrozen(config.keys))
  t.ok(Object.isFrozen(config.keys[0]))
  t.ok(Object.isFrozen(config.pools.main!.keys))
  t.throws(() => {
    ;(config.server as { listen: string }).listen = '0.0.0.0:1'
  }, TypeError)
})

t.test('a ConfigError has a code, its issues, and one line per issue', async (t) => {
  const text = `
server: { listen: nowhere, allowAnonymous: maybe }
keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
`
  const error = t.throws(() => parse(text)) as ConfigError
  t.ok(error instanceof ConfigError)
  t.equal(error.code, 'KP_ERR_CONFIG')
  t.equal(error.issues.length, 2)
  t.same(error.issues[0], {
    path: 'server.listen',
    line: 2,
    message: 'expected HOST:PORT, e.g. 127.0.0.1:8787',
  })
  t.same(error.message.split('\n'), [
    'test.yaml:2 server.listen: expected HOST:PORT, e.g. 127.0.0.1:8787',
    'test.yaml:2 server.allowAnonymous: expected true or false, got a string',
  ])
})

t.test('YAML syntax errors name their line', async (t) => {
  t.same(issuesOf('keys:\n  - a\nkeys: []\n'), [
    'test.yaml:3: invalid YAML: Map keys must be unique',
  ])
})

t.test('an empty file is refused', async (t) => {
  t.match(issuesOf('# nothing\n')[0], /^test\.yaml: the file is empty/)
})

t.test('a file that is not a map is refused', async (t) => {
  t.same(issuesOf('- a\n- b\n'), ['test.yaml:1: expected a map, got a list'])
})

t.test('--listen replaces server.listen and is checked like it', async (t) => {
  const config = parseConfigText(MINIMAL, { source: 'x.yaml', env: {}, listen: '127.0.0.1:0' })
  t.equal(config.server.listen, '127.0.0.1:0')

  const error = t.throws(() =>
    parseConfigText(MINIMAL, { source: 'x.yaml', env: {}, listen: 'bad' }),
  ) as ConfigError
  t.equal(
    error.message,
    'x.yaml server.listen (from --listen): expected HOST:PORT, e.g. 127.0.0.1:8787',
  )
})

t.test('the config path comes from the flag, then $KEYPOOL_CONFIG, then the default', async (t) => {
  t.equal(resolveConfigPath('a.yaml', { KEYPOOL_CONFIG: 'b.yaml' }), 'a.yaml')
  t.equal(resolveConfigPath(undefined, { KEYPOOL_CONFIG: 'b.yaml' }), 'b.yaml')
  t.equal(resolveConfigPath(undefined, { KEYPOOL_CONFIG: '' }), DEFAULT_CONFIG_PATH)
  t.equal(resolveConfigPath(undefined, {}), 'config/keypool.yaml')
})

t.test('loadConfigFile reads the file and names it in errors', async (t) => {
  const dir = t.testdir({ 'good.yaml': MINIMAL, 'bad.yaml': `${MINIMAL}extra: 1\n` })
  const config = await loadConfigFile(join(dir, 'good.yaml'), { env: {} })
  t.equal(config.keys[0]!.key, 'secret-a')

  const bad = join(dir, 'bad.yaml')
  await t.rejects(loadConfigFile(bad, { env: {} }), {
    message: `${bad}:6 extra: unknown field "extra" (known here: server, state, keys, limits, pools, queue, retry, tiers, clients, admin)`,
  })
})

t.test('a missing config file says how to name one', async (t) => {
  const dir = t.testdir({})
  const missing = join(dir, 'none.yaml')
  const error = (await loadConfigFile(missing).catch((e: unknown) => e)) as ConfigError
  t.ok(error instanceof ConfigError)
  t.match(error.message, `${missing}: no such file; name one with --config FILE or $KEYPOOL_CONFIG`)
})

t.test('YAML syntax errors do not quote the source text, which may hold a secret', async (t) => {
  const lines = issuesOf('keys:\n  - { id: a, key: k }\n secret-key-in-a-bad-line\npools: {}\n')
  t.equal(lines.length, 1)
  t.match(lines[0], /^test\.yaml:\d+: invalid YAML: /)
  t.notMatch(lines[0], 'secret-key')
})
