import t, { type Test } from 'tap'
import { join } from 'node:path'
import { run } from '../../src/cli/check.js'
import { memoryIO } from '../helpers/cli-io.js'

const SECRETS = {
  inlineKey: 'AIza-inline-secret-0001',
  envKey: 'AIza-env-secret-0002',
  fileKey: 'AIza-file-secret-0003',
  clientToken: 'client-token-secret-0004',
  adminToken: 'admin-token-secret-0005',
  proxyPassword: 'proxy-password-0006',
}

const CONFIG = `server:
  upstream: https://user:${SECRETS.proxyPassword}@upstream.example.com
  upstreamProxy: http://user:${SECRETS.proxyPassword}@proxy.example.com:3128
keys:
  - { id: alpha-1, key: ${SECRETS.inlineKey}, project: alpha }
  - { id: alpha-2, key: "\${ALPHA_2_KEY}", project: alpha }
  - { id: beta-1, keyFile: beta.key, usageTier: tier1 }
limits:
  - { models: "gemini-2.5-pro*", usageTier: free, rpm: 5, rpd: 100 }
pools:
  embeddings:
    match: { operations: [embed] }
    keys: [beta-1]
    defaultLimits: { rpm: 100, tpm: 30000, rpd: 1000 }
  generation:
    match: { operations: [generate, count, other], models: ["gemini-*"] }
    keys: [alpha-1, alpha-2, beta-1]
    strategy: round-robin
tiers:
  free: { priority: 0, requestsPerDay: 50 }
  vip: { priority: 2 }
clients:
  - { id: web-app, token: ${SECRETS.clientToken}, tier: vip }
  - { id: batch-job, tokenSha256: ${'a'.repeat(64)} }
admin: { token: ${SECRETS.adminToken} }
`

function fixture(t: Test, files: Record<string, string> = {}) {
  const dir = t.testdir({ 'keypool.yaml': CONFIG, 'beta.key': `${SECRETS.fileKey}\n`, ...files })
  return join(dir, 'keypool.yaml')
}

t.test('check prints pools, keys, limits, tiers and clients by id, then ok', async (t) => {
  const io = memoryIO({ ALPHA_2_KEY: SECRETS.envKey })
  const file = fixture(t)
  t.equal(await run(['--config', file], io), 0)
  const out = io.out()

  t.match(out, `config ${file}`)
  t.match(out, /alpha-1 +alpha +free +1 +key\n/)
  t.match(out, /beta-1 +key:beta-1 +tier1 +1 +keyFile beta\.key\n/)
  t.match(out, /embeddings\n +match +operations embed\n +strategy +most-headroom\n +keys +beta-1\n/)
  t.match(out, /defaultLimits +rpm 100, tpm 30000, rpd 1000/)
  t.match(
    out,
    /match +operations generate, count, other; models gemini-\*\n +strategy +round-robin/,
  )
  t.match(out, /keys +alpha-1, alpha-2, beta-1/)
  t.match(out, /gemini-2\.5-pro\* +usageTier free +rpm 5, rpd 100/)
  t.match(out, /free +priority 0 +requestsPerDay 50\n +vip +priority 2\n/)
  t.match(out, /web-app +tier vip\n +batch-job +tier free\n/)
  t.match(out, /admin +admin token set/)
  t.ok(out.endsWith('\nok\n'))
  t.equal(io.err(), '')
})

t.test('check never prints a secret: keys, key files, tokens or URL passwords', async (t) => {
  const io = memoryIO({ ALPHA_2_KEY: SECRETS.envKey })
  t.equal(await run(['--config', fixture(t)], io), 0)
  const all = io.out() + io.err()
  for (const [name, secret] of Object.entries(SECRETS)) t.notMatch(all, secret, name)
  t.match(all, 'https://***@upstream.example.com')
})

t.test('check prints every problem with file and line on stderr and exits 1', async (t) => {
  const bad = CONFIG.replace(
    'keys: [alpha-1, alpha-2, beta-1]',
    'keys: [alpha-1, alpha-2, k9]',
  ).replace('strategy: round-robin', 'strategy: random')
  const file = fixture(t, { 'keypool.yaml': bad })
  const io = memoryIO({})
  t.equal(await run(['--config', file], io), 1)
  t.equal(io.out(), '')
  t.equal(
    io.err(),
    [
      `${file}:6 keys[1].key: environment variable ALPHA_2_KEY is not set ` +
        '(write ${ALPHA_2_KEY:-default} to give a default)',
      `${file}:18 pools.generation.strategy: expected one of: most-headroom, round-robin, weighted`,
      `2 problems in ${file}`,
      '',
    ].join('\n'),
  )
})

t.test('cross-check problems are reported once the schema passes', async (t) => {
  const bad = CONFIG.replace('keys: [alpha-1, alpha-2, beta-1]', 'keys: [alpha-1, alpha-2, k9]')
  const file = fixture(t, { 'keypool.yaml': bad })
  const io = memoryIO({ ALPHA_2_KEY: 'x' })
  t.equal(await run(['--config', file], io), 1)
  t.match(io.err(), `${file}:17 pools.generation.keys[2]: unknown key id "k9"\n1 problem in`)
  t.notMatch(io.err(), SECRETS.inlineKey)
})

t.test('check finds the config through $KEYPOOL_CONFIG', async (t) => {
  const io = memoryIO({ KEYPOOL_CONFIG: fixture(t), ALPHA_2_KEY: 'x' })
  t.equal(await run([], io), 0)
})

t.test('check exits 1 when the config file does not exist', async (t) => {
  const io = memoryIO({})
  t.equal(await run(['--config', '/nonexistent/keypool.yaml'], io), 1)
  t.match(io.err(), '/nonexistent/keypool.yaml: no such file')
})

t.test('check applies --listen as serve would', async (t) => {
  const anonymous = `keys: [{ id: a, key: k }]\npools: { main: { keys: [a] } }\n`
  const file = fixture(t, { 'keypool.yaml': anonymous })
  const io = memoryIO({})
  t.equal(await run(['--config', file, '--listen', '0.0.0.0:8787'], io), 1)
  t.match(io.err(), 'server.listen (from --listen): 0.0.0.0:8787 is not a loopback address')
})

t.test('check refuses an unknown flag or an argument with exit code 2', async (t) => {
  const io = memoryIO({})
  t.equal(await run(['--verbose'], io), 2)
  t.equal(io.err(), 'keypool check: unknown option --verbose (see keypool --help)\n')

  const io2 = memoryIO({})
  t.equal(await run(['extra.yaml'], io2), 2)
  t.equal(io2.err(), 'keypool check: unexpected argument "extra.yaml" (see keypool --help)\n')
})

t.test('check refuses an unknown log level', async (t) => {
  const io = memoryIO({})
  t.equal(await run(['--log-level', 'loud'], io), 2)
  t.match(io.err(), '--log-level must be one of fatal, error, warn, info, debug, trace, silent')
})

t.test('the example and simulator configs pass check', async (t) => {
  for (const file of ['config/keypool.example.yaml', 'config/keypool.sim.yaml']) {
    const io = memoryIO({})
    t.equal(await run(['--config', file], io), 0, file)
    t.ok(io.out().endsWith('\nok\n'))
  }
})
