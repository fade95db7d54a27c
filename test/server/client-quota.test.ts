import t from 'tap'
import { nextPacificMidnight } from '../../src/limits/pacific-day.js'
import type { Client } from '../../src/server/client-auth.js'
import { ClientQuotas } from '../../src/server/client-quota.js'

function client(id: string, tierConfig: Client['tierConfig']): Client {
  return { id, tier: 't', priority: 0, tierConfig, digest: undefined }
}

t.test(
  "a client's day is counted for the status page even when its tier sets no quota",
  async (t) => {
    const quotas = new ClientQuotas()
    const now = Date.UTC(2026, 5, 1, 12)
    const open = client('open-app', { priority: 0 })
    quotas.admit(open, now)
    quotas.admit(open, now + 1000)
    t.equal(quotas.todayOf('open-app', now + 2000), 2)
    t.equal(
      quotas.todayOf('open-app', nextPacificMidnight(now)),
      0,
      'a new Pacific day starts at 0',
    )
  },
)

t.test('a released call is not counted', async (t) => {
  const quotas = new ClientQuotas()
  const now = Date.UTC(2026, 5, 1, 12)
  const capped = client('capped', { priority: 0, requestsPerDay: 1 })
  const ticket = quotas.admit(capped, now)
  quotas.release(ticket, now)
  t.equal(quotas.todayOf('capped', now), 0)
  t.doesNotThrow(() => quotas.admit(capped, now), 'the unit came back')
  t.throws(() => quotas.admit(capped, now), { code: 'KP_ERR_CLIENT_RPD' })
})
