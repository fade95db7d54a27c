import { createHash } from 'node:crypto'
import type { RawIssue } from './errors.js'
import type { ClientConfig, Config, KeyConfig } from './schema.js'

/**
 * Rules that span several parts of the file, checked once the schema has passed so that each
 * part has its defaults. Messages name the other party ("first at keys[0]"), never a secret.
 */
export function crossCheck(config: Config): RawIssue[] {
  return [
    ...checkKeyIds(config.keys),
    ...checkProjects(config.keys),
    ...checkPools(config),
    ...checkLimits(config),
    ...checkClients(config),
    ...checkAnonymous(config),
  ]
}

function checkKeyIds(keys: readonly KeyConfig[]): RawIssue[] {
  const issues: RawIssue[] = []
  const firstIndex = new Map<string, number>()
  keys.forEach((key, index) => {
    const first = firstIndex.get(key.id)
    if (first === undefined) firstIndex.set(key.id, index)
    else
      issues.push({
        path: ['keys', index, 'id'],
        message: duplicate('keys', 'key id', key.id, first),
      })
  })
  return issues
}

/** Keys of one project share its quota, and the quota depends on the usage tier. */
function checkProjects(keys: readonly KeyConfig[]): RawIssue[] {
  const issues: RawIssue[] = []
  const firstOfProject = new Map<string, KeyConfig>()
  keys.forEach((key, index) => {
    const first = firstOfProject.get(key.project)
    if (first === undefined) firstOfProject.set(key.project, key)
    else if (first.usageTier !== key.usageTier) {
      const message =
        `keys of project "${key.project}" must share one usageTier: ` +
        `"${first.id}" is ${first.usageTier}, "${key.id}" is ${key.usageTier}`
      issues.push({ path: ['keys', index, 'usageTier'], message })
    }
  })
  return issues
}

function checkPools(config: Config): RawIssue[] {
  const issues: RawIssue[] = []
  const ids = new Set(config.keys.map((key) => key.id))
  for (const [name, pool] of Object.entries(config.pools)) {
    const seen = new Set<string>()
    pool.keys.forEach((id, index) => {
      const path = ['pools', name, 'keys', index]
      if (!ids.has(id)) issues.push({ path, message: `unknown key id "${id}"` })
      else if (seen.has(id)) issues.push({ path, message: `key "${id}" is listed twice` })
      seen.add(id)
    })
  }
  return issues
}

function checkLimits(config: Config): RawIssue[] {
  return config.limits.flatMap((entry, index): RawIssue[] => {
    const { rpm, tpm, rpd, liveSessions } = entry
    if (rpm !== undefined || tpm !== undefined || rpd !== undefined) return []
    if (liveSessions !== undefined) return []
    return [
      { path: ['limits', index], message: 'give at least one of rpm, tpm, rpd or liveSessions' },
    ]
  })
}

function checkClients(config: Config): RawIssue[] {
  const issues: RawIssue[] = []
  const firstId = new Map<string, number>()
  const firstHash = new Map<string, number>()
  const tiers = Object.keys(config.tiers)

  config.clients.forEach((client, index) => {
    const idFirst = firstId.get(client.id)
    if (idFirst === undefined) firstId.set(client.id, index)
    else {
      const message = duplicate('clients', 'client id', client.id, idFirst)
      issues.push({ path: ['clients', index, 'id'], message })
    }

    // Tokens are compared by hash, so a plain token and another client's tokenSha256 clash too.
    const hash = tokenHash(client)
    const hashFirst = firstHash.get(hash)
    if (hashFirst === undefined) firstHash.set(hash, index)
    else issues.push({ path: ['clients', index], message: `same token as clients[${hashFirst}]` })

    if (!tiers.includes(client.tier)) {
      const message = `unknown tier "${client.tier}" (tiers: ${tiers.join(', ')})`
      issues.push({ path: ['clients', index, 'tier'], message })
    }
  })
  return [...issues, ...checkAdminToken(config, firstHash)]
}

function checkAdminToken(config: Config, clientHashes: Map<string, number>): RawIssue[] {
  if (config.admin.token === undefined) return []
  const index = clientHashes.get(sha256(config.admin.token))
  if (index === undefined) return []
  return [{ path: ['admin', 'token'], message: `same token as clients[${index}]` }]
}

/** Design section 5: an open proxy on a reachable address would give the keys to anyone. */
function checkAnonymous(config: Config): RawIssue[] {
  const { listen, allowAnonymous } = config.server
  if (config.clients.length > 0 || allowAnonymous || isLoopback(listen)) return []
  const message =
    `${listen} is not a loopback address and no clients are configured, so anyone who ` +
    'reaches it could spend the keys; add clients or set server.allowAnonymous: true'
  return [{ path: ['server', 'listen'], message }]
}

export function isLoopback(listen: string): boolean {
  const host = listen.slice(0, listen.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function tokenHash(client: ClientConfig): string {
  return client.tokenSha256 ?? sha256(client.token ?? '')
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function duplicate(list: string, what: string, value: string, firstIndex: number): string {
  return `duplicate ${what} "${value}" (first at ${list}[${firstIndex}])`
}
