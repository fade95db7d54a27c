import t from 'tap'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/errors.js'
import { loadConfigFile, parseConfigText } from '../../src/config/load.js'

const CONFIG = `keys:
  - { id: a, keyFile: secrets/a.key }
  - { id: b, key: inline-key }
pools: { main: { keys: [a, b] } }
`

t.test('keyFile is read relative to the config file and trimmed', async (t) => {
  const dir = t.testdir({
    'keypool.yaml': CONFIG,
    secrets: { 'a.key': '  AIza-from-file\n\n' },
  })
  const config = await loadConfigFile(join(dir, 'keypool.yaml'), { env: {} })
  t.equal(config.keys[0]!.key, 'AIza-from-file')
  t.equal(config.keys[0]!.keyFile, 'secrets/a.key', 'keyFile is kept')
  t.equal(config.keys[1]!.key, 'inline-key')
  t.equal(config.keys[1]!.keyFile, undefined)
})

t.test('parseConfigText reads keyFile relative to baseDir', async (t) => {
  const dir = t.testdir({ secrets: { 'a.key': 'k-a' } })
  const config = parseConfigText(CONFIG, { source: 'inline', env: {}, baseDir: dir })
  t.equal(config.keys[0]!.key, 'k-a')
})

t.test('an absolute keyFile and one named through ${ENV} are read as given', async (t) => {
  const dir = t.testdir({ 'b.key': 'k-b\n' })
  const text = `keys: [{ id: b, keyFile: "\${SECRETS}/b.key" }]\npools: { main: { keys: [b] } }\n`
  const config = parseConfigText(text, { source: 'x', env: { SECRETS: dir }, baseDir: '/nowhere' })
  t.equal(config.keys[0]!.key, 'k-b')
})

t.test('a missing or empty key file is an error at its line', async (t) => {
  const dir = t.testdir({ 'keypool.yaml': CONFIG.replace('inline-key', 'x'), empty: {} })
  const file = join(dir, 'keypool.yaml')
  const error = (await loadConfigFile(file, { env: {} }).catch((e: unknown) => e)) as ConfigError
  t.ok(error instanceof ConfigError)
  t.equal(
    error.message,
    `${file}:2 keys[0].keyFile: cannot read ${join(dir, 'secrets/a.key')} (ENOENT)`,
  )

  const emptyDir = t.testdir({ secrets: { 'a.key': ' \n' } })
  t.throws(() => parseConfigText(CONFIG, { source: 'x', env: {}, baseDir: emptyDir }), {
    message: `x:2 keys[0].keyFile: ${join(emptyDir, 'secrets/a.key')} is empty`,
  })
})
