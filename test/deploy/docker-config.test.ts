import t from 'tap'
import { readFileSync } from 'node:fs'
import { ConfigError } from '../../src/config/errors.js'
import { loadConfigFile, parseConfigText } from '../../src/config/load.js'

const PATH = 'config/keypool.docker.yaml'

t.test('the docker config loads with every variable left at its default', async (t) => {
  const config = await loadConfigFile(PATH, { env: {} })
  t.equal(config.server.listen, '0.0.0.0:8787')
  t.equal(config.server.upstream, 'https://generativelanguage.googleapis.com')
  t.same(
    config.keys.map((k) => [k.id, k.project, k.usageTier]),
    [
      ['key-1', 'project-1', 'free'],
      ['key-2', 'project-2', 'free'],
    ],
  )
  t.equal(config.clients.length, 1, 'a client, so that keypool may listen beyond loopback')
  t.equal(config.admin.metricsPublic, true, 'Prometheus scrapes without a token')
})

t.test(
  'the docker config takes keys, projects and the client token hash from the environment',
  async (t) => {
    const hash = 'ab'.repeat(32)
    const env = {
      GEMINI_API_KEY_1: 'AIza-first',
      GEMINI_API_KEY_2: 'AIza-second',
      GEMINI_PROJECT_1: 'shared',
      GEMINI_PROJECT_2: 'shared',
      GEMINI_USAGE_TIER_1: 'tier1',
      GEMINI_USAGE_TIER_2: 'tier1',
      KEYPOOL_CLIENT_TOKEN_SHA256: hash,
    }
    const config = await loadConfigFile(PATH, { env })
    t.same(
      config.keys.map((k) => [k.key, k.project, k.usageTier]),
      [
        ['AIza-first', 'shared', 'tier1'],
        ['AIza-second', 'shared', 'tier1'],
      ],
    )
    t.equal(config.clients[0]?.tokenSha256, hash)
  },
)

t.test('without clients the docker config is refused, as its comment says', async (t) => {
  const text = readFileSync(PATH, 'utf8').replace(/^clients:[\s\S]*?(?=^#|^\w)/m, '')
  t.notMatch(text, /tokenSha256/, 'the clients section is gone')
  t.throws(() => parseConfigText(text, { source: PATH, env: {} }), ConfigError)
  try {
    parseConfigText(text, { source: PATH, env: {} })
  } catch (error) {
    t.match((error as Error).message, /allowAnonymous/)
  }
})
