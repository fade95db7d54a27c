import t from 'tap'
import { configErrorLines } from '../helpers/config-errors.js'
import { parseConfigText } from '../../src/config/load.js'
import { NOT_BUILT } from '../../src/config/not-built.js'

const linesOf = configErrorLines

t.test('options of parts not built yet are refused, each with its own message', async (t) => {
  const text = `state:
  store: sqlite
  sqlite: { path: ./data/keypool.db }
  redis: { url: "redis://127.0.0.1:6379" }
keys: [{ id: a, key: k }]
limits:
  - { models: gemini-2.5-pro, rpm: 5 }
pools:
  main:
    keys: [a]
    fallbackModels: { gemini-2.5-pro: [gemini-2.5-flash] }
cache:
  embeddings: { enabled: true, ttl: 7d }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:2 state.store: the sqlite store is not built yet; use memory',
    'config/keypool.yaml:3 state.sqlite: the sqlite store is not built yet; remove this section',
    'config/keypool.yaml:4 state.redis: the redis store is not built yet; remove this section',
    'config/keypool.yaml:11 pools.main.fallbackModels: model fallback is not built yet; remove it',
    'config/keypool.yaml:12 cache: response caching is not built yet; remove this section',
  ])
})

t.test('state.store: redis is refused as not built, memory is accepted', async (t) => {
  const base = `keys: [{ id: a, key: k }]\npools: { main: { keys: [a] } }\n`
  t.same(linesOf(`state: { store: redis }\n${base}`), [
    'config/keypool.yaml:1 state.store: the redis store is not built yet; use memory',
  ])
  t.same(linesOf(`state: { store: disk }\n${base}`), [
    'config/keypool.yaml:1 state.store: expected one of: memory',
  ])
  const config = parseConfigText(`state: { store: memory }\n${base}`, { source: 'x', env: {} })
  t.equal(config.state.store, 'memory')
})

t.test('the not-built table is one small list', async (t) => {
  t.same(
    NOT_BUILT.map((row) => row.path.join('.')),
    ['cache', 'state.store', 'state.sqlite', 'state.redis', 'pools.*.fallbackModels'],
  )
})
