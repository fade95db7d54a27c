import t from 'tap'
import { readFile } from 'node:fs/promises'
import { main } from '../../src/cli/dispatch.js'
import { memoryIO } from '../helpers/cli-io.js'

t.test('--help lists every command and the global options', async (t) => {
  const io = memoryIO()
  t.equal(await main(['--help'], io), 0)
  for (const word of [
    'serve',
    'check',
    'schema',
    'mock-upstream',
    'demo',
    '--config',
    '--pretty',
  ]) {
    t.match(io.out(), word)
  }
  const short = memoryIO()
  t.equal(await main(['check', '-h'], short), 0)
  t.equal(short.out(), io.out())
})

t.test('--version prints the package version', async (t) => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string }
  const io = memoryIO()
  t.equal(await main(['--version'], io), 0)
  t.equal(io.out(), `${pkg.version}\n`)
})

t.test('an unknown command is refused with the list of commands and exit code 2', async (t) => {
  const io = memoryIO()
  t.equal(await main(['chek'], io), 2)
  t.equal(
    io.err(),
    'keypool: unknown command "chek" (commands: serve, check, schema, mock-upstream, demo)\n',
  )
})

t.test('a command runs with global flags before or after its name', async (t) => {
  const before = memoryIO()
  t.equal(await main(['--config', 'config/keypool.sim.yaml', 'check'], before), 0)
  const after = memoryIO()
  t.equal(await main(['check', '--config', 'config/keypool.sim.yaml'], after), 0)
  t.equal(before.out(), after.out())
  t.match(after.out(), /\nok\n$/)
})

t.test('a bad flag of a command exits 2 with a clear message', async (t) => {
  const io = memoryIO()
  t.equal(await main(['schema', '--nope'], io), 2)
  t.equal(io.err(), 'keypool schema: unknown option --nope (see keypool --help)\n')

  const missing = memoryIO()
  t.equal(await main(['check', '--config'], missing), 2)
  t.match(missing.err(), "keypool check: Option '--config <value>' argument missing")
})

t.test('an invalid config exits 1 through main as well', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'keys: []\n' })
  const io = memoryIO()
  t.equal(await main(['check', '--config', `${dir}/bad.yaml`], io), 1)
  t.match(io.err(), 'bad.yaml:1 keys: expected at least 1 item')
})

t.test('a command whose module is not there yet is reported, not crashed on', async (t) => {
  // serve, mock-upstream and demo are written by others; until one exists it says so.
  const io = memoryIO()
  const code = await main(['demo', '--pretty'], io)
  if (code === 2) t.equal(io.err(), 'keypool demo: this command is not built yet\n')
  else t.pass('demo exists now')
})
