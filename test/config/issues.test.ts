import t from 'tap'
import { configErrorLines } from '../helpers/config-errors.js'
import { parseConfigText } from '../../src/config/load.js'

const linesOf = configErrorLines

t.test('an unknown field is refused with its path, its line and a hint', async (t) => {
  const text = `server:
  listen: 127.0.0.1:8787
  colour: blue
keys:
  - id: a
    key: k
    secret: nope
pools:
  main: { keys: [a] }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:3 server.colour: unknown field "colour" (known here: listen, upstream, ' +
      'requestTimeout, streamIdleTimeout, maxBodySize, allowAnonymous, upstreamProxy, shutdownGrace, ' +
      'tls)',
    'config/keypool.yaml:7 keys[0].secret: unknown field "secret" (known here: id, key, keyFile, ' +
      'project, usageTier, weight)',
  ])
})

t.test('a misspelt field gets a "did you mean"', async (t) => {
  const text = `keys: [{ id: a, key: k }]
pools:
  main:
    keys: [a]
    stratgy: round-robin
`
  t.same(linesOf(text), [
    'config/keypool.yaml:5 pools.main.stratgy: unknown field "stratgy"; did you mean "strategy"?',
  ])
})

t.test('wrong types name path, line, what was expected and what was found', async (t) => {
  const text = `server:
  requestTimeout: soon
  maxBodySize: [1]
  allowAnonymous: 1
keys:
  - { id: a, key: k, usageTier: gold, weight: -1 }
pools:
  main: { keys: a, strategy: random }
queue:
  maxSize: 1.5
retry:
  maxAttempts: 0
`
  t.same(linesOf(text), [
    'config/keypool.yaml:2 server.requestTimeout: expected a duration like 30s or 5m, got "soon"',
    'config/keypool.yaml:3 server.maxBodySize: expected a size such as 512kb, 20mb or 1gb',
    'config/keypool.yaml:4 server.allowAnonymous: expected true or false, got a number',
    'config/keypool.yaml:6 keys[0].usageTier: expected one of: free, tier1, tier2, tier3',
    'config/keypool.yaml:6 keys[0].weight: expected more than 0',
    'config/keypool.yaml:8 pools.main.keys: expected a list, got a string',
    'config/keypool.yaml:8 pools.main.strategy: expected one of: most-headroom, round-robin, weighted',
    'config/keypool.yaml:10 queue.maxSize: expected a whole number, got a fraction',
    'config/keypool.yaml:12 retry.maxAttempts: expected at least 1',
  ])
})

t.test('missing required sections are named', async (t) => {
  t.same(linesOf('server: {}\n'), [
    'config/keypool.yaml:1 keys: required (a list)',
    'config/keypool.yaml:1 pools: required (a map)',
  ])
})

t.test('an empty section is reported as empty, not as null', async (t) => {
  t.same(linesOf('keys: [{ id: a, key: k }]\npools: { main: { keys: [a] } }\nserver:\n'), [
    'config/keypool.yaml:3 server: expected a map, got an empty value',
  ])
})

t.test('a pool name that is not a word is refused at its line', async (t) => {
  const text = `keys: [{ id: a, key: k }]
pools:
  main: { keys: [a] }
  "two words": { keys: [a] }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:4 pools["two words"]: invalid name "two words": ' +
      'expected a name of letters, digits, - and _',
  ])
})

t.test('a key needs exactly one of key and keyFile', async (t) => {
  t.same(linesOf('keys:\n  - id: a\npools: { main: { keys: [a] } }\n'), [
    'config/keypool.yaml:2 keys[0]: give exactly one of key or keyFile',
  ])
})

t.test('an http(s) upstream and a port in range are required', async (t) => {
  const text = `server:
  listen: 127.0.0.1:70000
  upstream: ftp://example.com
keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:2 server.listen: expected a port of at most 65535',
    'config/keypool.yaml:3 server.upstream: expected an http:// or https:// URL',
  ])
})

t.test('messages never quote a misplaced secret', async (t) => {
  const text = `keys:
  - { id: a, key: [AIza-very-secret] }
pools: { main: { keys: [a] } }
admin: { token: short }
`
  const lines = linesOf(text)
  t.equal(lines.length, 2)
  t.notMatch(lines.join('\n'), /AIza-very-secret|short/)
})

t.test('merge keys share a block, and a field beside the merge keeps its line', async (t) => {
  const text = `keys: [{ id: a, key: k }]
pools:
  main: &pool { keys: [a], strategy: round-robin }
  other:
    <<: *pool
    bogus: 1
`
  t.match(linesOf(text), ['config/keypool.yaml:6 pools.other.bogus: unknown field "bogus"'])
  const config = parseConfigText(text.replace('    bogus: 1\n', ''), { source: 'm', env: {} })
  t.equal(config.pools.other!.strategy, 'round-robin')
})

t.test('issues from every stage come out in file order', async (t) => {
  const text = `cache: {}
keys:
  - { id: a, key: k, extra: 1 }
pools: { main: { keys: [a] } }
admin:
  token: \${ADMIN_TOKEN_UNSET}
`
  t.same(
    linesOf(text).map((line) => line.split(' ')[0]),
    ['config/keypool.yaml:1', 'config/keypool.yaml:3', 'config/keypool.yaml:6'],
  )
})
