import t from 'tap'
import { join } from 'node:path'
import { run as runCheck } from '../../src/cli/check.js'
import { probeKeys } from '../../src/cli/probe.js'
import { configSchema, type ConfigInput } from '../../src/config/schema.js'
import { projectNumber } from '../../src/simulator/index.js'
import { memoryIO } from '../helpers/cli-io.js'
import { startSim } from '../helpers/sim-clients.js'

type Keys = NonNullable<ConfigInput['keys']>

function configFor(upstream: string, keys: Keys) {
  return configSchema.parse({
    server: { upstream },
    keys,
    pools: { main: { keys: keys.map((k) => k.id) } },
  })
}

const KEYS: Keys = [
  { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'alpha' },
  { id: 'alpha-2', key: 'sim-key-alpha-2', project: 'alpha' },
  { id: 'beta-1', key: 'sim-key-beta-1', project: 'beta' },
]

t.test('probe reports every key ok when each answers its free call', async (t) => {
  const { sim } = await startSim(t)
  const io = memoryIO()
  const report = await probeKeys(configFor(sim.url, KEYS), io)
  t.equal(report.failed, 0)
  t.same(
    report.probes.map((p) => [p.id, p.verdict]),
    [
      ['alpha-1', 'ok'],
      ['alpha-2', 'ok'],
      ['beta-1', 'ok'],
    ],
  )
  t.match(io.out(), /probe: every key answered/)
  t.equal(sim.calls.length, 3, 'one call per key')
  t.ok(
    sim.calls.every((c) => c.path === '/v1beta/models'),
    'the free model list',
  )
})

t.test(
  'probe reports invalid, leaked and API-disabled keys, with the project number',
  async (t) => {
    const { sim } = await startSim(t)
    sim.faults.add({ kind: 'invalidKey', key: 'sim-key-alpha-1' })
    sim.faults.add({ kind: 'status', preset: 'leaked', key: 'sim-key-alpha-2' })
    sim.faults.add({ kind: 'status', preset: 'serviceDisabled', key: 'sim-key-beta-1' })
    const io = memoryIO()
    const report = await probeKeys(configFor(sim.url, KEYS), io)
    t.same(
      report.probes.map((p) => [p.id, p.verdict, p.projectNumber]),
      [
        ['alpha-1', 'invalid', undefined],
        ['alpha-2', 'leaked', undefined],
        ['beta-1', 'api-disabled', projectNumber('beta')],
      ],
    )
    t.equal(report.failed, 3)
    t.match(io.out(), /probe: 3 keys failed/)
    t.match(io.out(), new RegExp(`beta-1\\s+beta\\s+api-disabled\\s+${projectNumber('beta')}`))
  },
)

t.test('probe warns when keys of one project name different Google projects', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'serviceDisabled' })
  // alpha-1 and beta-1 live in different simulator projects but are filed under one.
  const keys: Keys = [
    { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'shared' },
    { id: 'beta-1', key: 'sim-key-beta-1', project: 'shared' },
  ]
  const io = memoryIO()
  const report = await probeKeys(configFor(sim.url, keys), io)
  t.equal(report.warnings.length, 1)
  t.match(report.warnings[0], /project "shared" belong to different Google projects/)
  t.match(io.out(), /^warning: keys of project "shared"/m)
})

t.test('probe warns when keys of different projects name one Google project', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'status', preset: 'serviceDisabled' })
  const keys: Keys = [
    { id: 'alpha-1', key: 'sim-key-alpha-1', project: 'first' },
    { id: 'alpha-2', key: 'sim-key-alpha-2' },
  ]
  const report = await probeKeys(configFor(sim.url, keys), memoryIO())
  t.equal(report.warnings.length, 1)
  t.match(report.warnings[0], new RegExp(`one Google project ${projectNumber('alpha')}`))
})

t.test(
  'probe counts a rate-limited key as working and an unreachable upstream as unverified',
  async (t) => {
    const { sim } = await startSim(t)
    sim.faults.add({ kind: 'status', preset: 'bare429', key: 'sim-key-alpha-1' })
    const limited = await probeKeys(configFor(sim.url, KEYS.slice(0, 1)), memoryIO())
    t.same(
      limited.probes.map((p) => p.verdict),
      ['rate-limited'],
    )
    t.equal(limited.failed, 0)

    const gone = await probeKeys(configFor('http://127.0.0.1:1', KEYS.slice(0, 1)), memoryIO())
    t.same(
      gone.probes.map((p) => p.verdict),
      ['unverified'],
    )
    t.equal(gone.failed, 0)
  },
)

t.test('probe output never shows a key', async (t) => {
  const { sim } = await startSim(t)
  sim.faults.add({ kind: 'invalidKey', key: 'sim-key-alpha-1' })
  const io = memoryIO()
  await probeKeys(configFor(sim.url, KEYS), io)
  for (const key of KEYS) t.notOk(io.out().includes(key.key!), `${key.id}'s key is not printed`)
})

t.test(
  'keypool check --probe exits 1 when a key is invalid and 0 when every key answers',
  async (t) => {
    const { sim } = await startSim(t)
    const yaml = [
      `server: { upstream: "${sim.url}" }`,
      'keys:',
      ...KEYS.map((k) => `  - { id: ${k.id}, key: ${k.key}, project: ${k.project} }`),
      `pools: { main: { keys: [${KEYS.map((k) => k.id).join(', ')}] } }`,
    ].join('\n')
    const file = join(t.testdir({ 'keypool.yaml': yaml }), 'keypool.yaml')

    const healthy = memoryIO()
    t.equal(await runCheck(['--config', file, '--probe'], healthy), 0)
    t.match(healthy.out(), /^ok$[\s\S]*probe: every key answered/m)

    sim.faults.add({ kind: 'invalidKey', key: 'sim-key-beta-1' })
    const broken = memoryIO()
    t.equal(await runCheck(['--config', file, '--probe'], broken), 1)
    t.match(broken.out(), /beta-1\s+beta\s+invalid/)
  },
)
