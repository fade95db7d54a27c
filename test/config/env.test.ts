import t from 'tap'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfigText } from '../../src/config/load.js'

function withKey(keyLine: string, rest = ''): string {
  return `keys:\n  - id: a\n    ${keyLine}\npools: { main: { keys: [a] } }\n${rest}`
}

function parse(text: string, env: NodeJS.ProcessEnv) {
  return parseConfigText(text, { source: 'env.yaml', env })
}

function messageOf(text: string, env: NodeJS.ProcessEnv): string {
  try {
    parse(text, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('expected a ConfigError')
}

t.test('${VAR} is replaced by the variable', async (t) => {
  const config = parse(withKey('key: ${GEMINI_KEY}'), { GEMINI_KEY: 'AIza-from-env' })
  t.equal(config.keys[0]!.key, 'AIza-from-env')
})

t.test('${VAR} is replaced anywhere inside a string, several times', async (t) => {
  const text = withKey('key: "pre-${A}-mid-${B}-post"')
  t.equal(parse(text, { A: '1', B: '2' }).keys[0]!.key, 'pre-1-mid-2-post')
})

t.test('${VAR:-default} uses the default when VAR is unset or empty', async (t) => {
  const text = withKey('key: ${GEMINI_KEY:-fallback-key}')
  t.equal(parse(text, {}).keys[0]!.key, 'fallback-key')
  t.equal(parse(text, { GEMINI_KEY: '' }).keys[0]!.key, 'fallback-key')
  t.equal(parse(text, { GEMINI_KEY: 'set' }).keys[0]!.key, 'set')
})

t.test(
  'an unset variable without a default is an error naming path, line and variable',
  async (t) => {
    t.equal(
      messageOf(withKey('key: ${GEMINI_KEY_MISSING}'), {}),
      'env.yaml:3 keys[0].key: environment variable GEMINI_KEY_MISSING is not set ' +
        '(write ${GEMINI_KEY_MISSING:-default} to give a default)',
    )
  },
)

t.test('every missing variable is reported, with the other problems', async (t) => {
  const text = withKey('key: ${ONE}', 'admin: { token: "${TWO}", bogus: 1 }\n')
  const lines = messageOf(text, {}).split('\n')
  t.equal(lines.length, 3, 'the unsubstituted token is not also reported as too short')
  t.match(lines[0], /^env\.yaml:3 keys\[0\]\.key: environment variable ONE is not set/)
  t.match(lines[1], /^env\.yaml:5 admin\.token: environment variable TWO is not set/)
  t.match(lines[2], /^env\.yaml:5 admin\.bogus: unknown field "bogus"/)
})

t.test('$${ writes a literal ${', async (t) => {
  t.equal(parse(withKey('key: "a$${B}c"'), {}).keys[0]!.key, 'a${B}c')
})

t.test('a malformed reference is an error, not left in place', async (t) => {
  t.match(messageOf(withKey('key: "${NOT CLOSED"'), {}), /keys\[0\]\.key: "\$\{NOT CLOSED" is not/)
  t.match(messageOf(withKey('key: "${1X}"'), {}), /keys\[0\]\.key: "\$\{1X" is not \$\{NAME\}/)
})

t.test('an unquoted reference reads as YAML, a quoted one stays a string', async (t) => {
  const text = withKey(
    'key: k',
    'queue:\n  maxSize: "${SIZE}"\nretry:\n  maxAttempts: ${N}\nserver:\n  allowAnonymous: ${OPEN}\n',
  )
  const message = messageOf(text, { SIZE: '7', N: '4', OPEN: 'true' })
  t.equal(message, 'env.yaml:6 queue.maxSize: expected a number, got a string')

  const config = parse(text.replace('"${SIZE}"', '${SIZE}'), { SIZE: '7', N: '4', OPEN: 'true' })
  t.equal(config.queue.maxSize, 7)
  t.equal(config.retry.maxAttempts, 4)
  t.equal(config.server.allowAnonymous, true)
})

t.test('map keys are never substituted', async (t) => {
  const message = messageOf(withKey('key: k', '${X}: 1\n'), { X: 'queue' })
  t.match(message, /unknown field "\$\{X\}"/)
})

t.test('substitution does not read process.env when an env is given', async (t) => {
  process.env.KEYPOOL_TEST_ONLY_IN_PROCESS = 'leak'
  t.teardown(() => delete process.env.KEYPOOL_TEST_ONLY_IN_PROCESS)
  t.match(messageOf(withKey('key: ${KEYPOOL_TEST_ONLY_IN_PROCESS}'), {}), /is not set/)
})
