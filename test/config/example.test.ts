import t from 'tap'
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { loadConfigFile } from '../../src/config/load.js'
import { NOT_BUILT } from '../../src/config/not-built.js'
import { configSchema } from '../../src/config/schema.js'
import { optionPaths } from '../../src/config/shape.js'

const EXAMPLE = 'config/keypool.example.yaml'
const SIM = 'config/keypool.sim.yaml'

/** Whether some branch of `data` has the option `path` (`*`: any map entry, `[]`: any item). */
function hasOption(data: unknown, segments: readonly string[]): boolean {
  const [head, ...rest] = segments
  if (head === undefined) return true
  if (head === '[]') return Array.isArray(data) && data.some((item) => hasOption(item, rest))
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false
  const record = data as Record<string, unknown>
  if (head === '*') return Object.values(record).some((value) => hasOption(value, rest))
  return Object.hasOwn(record, head) && hasOption(record[head], rest)
}

function segmentsOf(path: string): string[] {
  return path.replace(/\[\]/g, '.[]').split('.')
}

t.test('the schema walk finds the options that exist', async (t) => {
  const paths = optionPaths(configSchema)
  for (const path of ['server.listen', 'keys[].keyFile', 'pools.*.match.operations']) {
    t.ok(paths.includes(path), path)
  }
  t.ok(paths.includes('retry.backoff.base'))
  t.ok(paths.includes('clients[].tokenSha256'))
  t.ok(paths.length > 40, `${paths.length} options`)
})

t.test('the example config sets every option that exists', async (t) => {
  const example: unknown = parse(await readFile(EXAMPLE, 'utf8'))
  const missing = optionPaths(configSchema).filter((path) => !hasOption(example, segmentsOf(path)))
  t.same(missing, [], 'options absent from the example')
})

t.test('the example config holds no option that is not built yet', async (t) => {
  const example: unknown = parse(await readFile(EXAMPLE, 'utf8'))
  for (const row of NOT_BUILT) {
    if (row.refuses) continue
    t.notOk(hasOption(example, row.path), row.path.join('.'))
  }
})

t.test('the example config loads without any environment variable', async (t) => {
  const config = await loadConfigFile(EXAMPLE, { env: {} })
  t.same(
    config.keys.map((key) => [key.id, key.project, key.usageTier]),
    [
      ['alpha-1', 'alpha', 'free'],
      ['alpha-2', 'alpha', 'free'],
      ['beta-1', 'key:beta-1', 'tier1'],
    ],
  )
  t.ok(config.keys.every((key) => typeof key.key === 'string' && key.key.length > 0))
  t.same(Object.keys(config.pools), ['embeddings', 'generation'])
})

t.test('the example config takes its secrets from the environment', async (t) => {
  const env = { GEMINI_KEY_ALPHA_1: 'AIza-real-1', KEYPOOL_ADMIN_TOKEN: 'admin-token-from-env' }
  const config = await loadConfigFile(EXAMPLE, { env })
  t.equal(config.keys[0]!.key, 'AIza-real-1')
  t.equal(config.admin.token, 'admin-token-from-env')
})

t.test('the simulator config loads and uses the simulator and its built-in keys', async (t) => {
  const config = await loadConfigFile(SIM, { env: {} })
  t.equal(config.server.upstream, 'http://127.0.0.1:8788')
  t.equal(config.server.listen, '127.0.0.1:8787')
  t.same(config.clients, [], 'anonymous on loopback')
  t.same(
    config.keys.map((key) => [key.key, key.project]),
    [
      ['sim-key-alpha-1', 'alpha'],
      ['sim-key-alpha-2', 'alpha'],
      ['sim-key-beta-1', 'beta'],
      ['sim-key-gamma-1', 'gamma'],
      ['sim-key-delta-1', 'delta'],
    ],
  )
  t.same(config.pools.embeddings!.match, { operations: ['embed'] })
  t.same(config.pools.generation!.match, { operations: ['generate', 'count', 'other'] })
})
