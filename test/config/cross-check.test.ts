import t from 'tap'
import { configErrorLines } from '../helpers/config-errors.js'
import { parseConfigText } from '../../src/config/load.js'
import { isLoopback } from '../../src/config/cross-check.js'

const linesOf = configErrorLines

t.test('a pool naming an unknown key id is refused as the design shows', async (t) => {
  const text = `keys:
  - { id: k1, key: a }
  - { id: k2, key: b }
  - { id: k3, key: c }
pools:
  embeddings:
    keys: [k1]
  generation:
    keys:
      - k1
      - k2
      - k9
`
  t.same(linesOf(text), ['config/keypool.yaml:12 pools.generation.keys[2]: unknown key id "k9"'])
})

t.test('a key listed twice in one pool is refused', async (t) => {
  const text = `keys: [{ id: a, key: k }]\npools: { main: { keys: [a, a] } }\n`
  t.same(linesOf(text), ['config/keypool.yaml:2 pools.main.keys[1]: key "a" is listed twice'])
})

t.test('key ids are unique', async (t) => {
  const text = `keys:
  - { id: a, key: k1 }
  - { id: a, key: k2 }
pools: { main: { keys: [a] } }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:3 keys[1].id: duplicate key id "a" (first at keys[0])',
  ])
})

t.test('keys of one project must share a usageTier; the message names both keys', async (t) => {
  const text = `keys:
  - { id: alpha-1, key: k1, project: alpha, usageTier: free }
  - { id: alpha-2, key: k2, project: alpha, usageTier: tier1 }
  - { id: beta-1, key: k3, usageTier: tier2 }
pools: { main: { keys: [alpha-1, alpha-2, beta-1] } }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:3 keys[1].usageTier: keys of project "alpha" must share one ' +
      'usageTier: "alpha-1" is free, "alpha-2" is tier1',
  ])
})

t.test('a usageTier mix is caught when the tier is left to its default', async (t) => {
  const text = `keys:
  - { id: a, key: k1, project: p, usageTier: tier1 }
  - { id: b, key: k2, project: p }
pools: { main: { keys: [a, b] } }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:3 keys[1].usageTier: keys of project "p" must share one ' +
      'usageTier: "a" is tier1, "b" is free',
  ])
})

t.test('client ids and tokens are unique, and the message never shows a token', async (t) => {
  const token = 'client-token-0123'
  const hash = '8b2d2a3b0b6d7d1f8a8e5f4e0c0a8f8b9f7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d'
  const text = `keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
clients:
  - { id: web, token: ${token} }
  - { id: web, token: ${token} }
  - { id: batch, tokenSha256: ${hash} }
  - { id: other, tokenSha256: ${hash} }
admin: { token: ${token} }
`
  const lines = linesOf(text)
  t.same(lines, [
    'config/keypool.yaml:5 clients[1].id: duplicate client id "web" (first at clients[0])',
    'config/keypool.yaml:5 clients[1]: same token as clients[0]',
    'config/keypool.yaml:7 clients[3]: same token as clients[2]',
    'config/keypool.yaml:8 admin.token: same token as clients[0]',
  ])
  t.notMatch(lines.join('\n'), token)
})

t.test('a plain token that matches another client tokenSha256 is a duplicate too', async (t) => {
  const token = 'change-me-batch-job-token'
  const hash = 'bd07bbf260e74a089e490f725aed089be32223dadf0f460f1135fe5e1f33c061'
  const text = `keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
clients:
  - { id: one, tokenSha256: ${hash} }
  - { id: two, token: ${token} }
`
  t.same(linesOf(text), ['config/keypool.yaml:5 clients[1]: same token as clients[0]'])
})

t.test('a client tier must exist, including the default tier free', async (t) => {
  const text = `keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
tiers: { gold: { priority: 3 } }
clients:
  - { id: one, token: token-one-1234, tier: gold }
  - { id: two, token: token-two-1234, tier: silver }
  - { id: three, token: token-three-1234 }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:6 clients[1].tier: unknown tier "silver" (tiers: gold)',
    'config/keypool.yaml:7 clients[2].tier: unknown tier "free" (tiers: gold)',
  ])
})

t.test('a limits entry without any limit is refused', async (t) => {
  const text = `keys: [{ id: a, key: k }]
pools: { main: { keys: [a] } }
limits:
  - { models: "gemini-*", rpd: 10 }
  - { models: gemini-2.5-pro, usageTier: free }
`
  t.same(linesOf(text), [
    'config/keypool.yaml:5 limits[1]: give at least one of rpm, tpm, rpd or liveSessions',
  ])
})

t.test('anonymous on a non-loopback address is refused unless allowed', async (t) => {
  const base = `keys: [{ id: a, key: k }]\npools: { main: { keys: [a] } }\n`
  t.same(linesOf(`server:\n  listen: 0.0.0.0:8787\n${base}`), [
    'config/keypool.yaml:2 server.listen: 0.0.0.0:8787 is not a loopback address and no ' +
      'clients are configured, so anyone who reaches it could spend the keys; add clients ' +
      'or set server.allowAnonymous: true',
  ])

  const allowed = `server: { listen: 0.0.0.0:8787, allowAnonymous: true }\n${base}`
  t.equal(parseConfigText(allowed, { source: 'x', env: {} }).server.allowAnonymous, true)

  const withClient = `server: { listen: 0.0.0.0:8787 }\n${base}clients: [{ id: c, token: ct-12345678 }]\n`
  t.equal(parseConfigText(withClient, { source: 'x', env: {} }).clients.length, 1)
})

t.test('loopback addresses are recognised in every form', async (t) => {
  for (const listen of ['127.0.0.1:8787', '127.1.2.3:1', 'localhost:80', '[::1]:8787']) {
    t.ok(isLoopback(listen), listen)
  }
  for (const listen of ['0.0.0.0:8787', '10.0.0.1:80', '[::]:8787', 'example.com:80']) {
    t.notOk(isLoopback(listen), listen)
  }
})
