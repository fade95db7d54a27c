import t from 'tap'
import { SIM_KEY_CONFIG, startStack } from '../helpers/stack.js'
import { generate, getOwn } from './traffic.js'

const ADMIN = 'admin-token-0123456789'
const TOKENS = { web: 'web-app-token-0123456789', batch: 'batch-job-token-0123456789' }

t.test('no configured key or token appears in /metrics or /keypool/status', async (t) => {
  const stack = await startStack(t, {
    config: {
      admin: { token: ADMIN },
      clients: [
        { id: 'web-app', token: TOKENS.web, tier: 'premium' },
        { id: 'batch-job', token: TOKENS.batch, tier: 'free' },
      ],
    },
    random: () => 0,
  })
  // Traffic that fills every label and the status page's reasons: a leaked key, a refused token.
  stack.sim.faults.add({ kind: 'status', preset: 'leaked', count: 1 })
  await generate(stack.url, { token: TOKENS.web })
  await generate(stack.url, { token: TOKENS.batch, stream: true })
  await generate(stack.url, { token: `${TOKENS.web}-not-quite` })

  const metrics = await getOwn(stack.url, '/metrics')
  const status = await getOwn(stack.url, '/keypool/status', ADMIN)
  t.equal(status.status, 200)
  t.match(status.text, /"state":"disabled"/, 'the leaked key shows, by id')
  const secrets = [...SIM_KEY_CONFIG.map((k) => k.key as string), ...Object.values(TOKENS), ADMIN]
  for (const secret of secrets) {
    t.notOk(metrics.text.includes(secret), `/metrics never shows ${secret}`)
    t.notOk(status.text.includes(secret), `/keypool/status never shows ${secret}`)
  }
})
