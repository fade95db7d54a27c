import type { Config, PoolConfig } from '../config/schema.js'

/**
 * What `keypool check` prints of a valid config: ids, projects, tiers and limits. Never a key,
 * a token or a key file's contents; URLs lose any user:password they carry.
 */
export function formatCheckReport(source: string, config: Config): string {
  const sections = [
    `config ${source}`,
    formatServer(config),
    section(`keys (${config.keys.length})`, [
      ['id', 'project', 'usageTier', 'weight', 'from'],
      ...config.keys.map((key) => [
        key.id,
        key.project,
        key.usageTier,
        String(key.weight),
        key.keyFile === undefined ? 'key' : `keyFile ${key.keyFile}`,
      ]),
    ]),
    [
      'pools (the first that matches serves a call)',
      ...Object.entries(config.pools).map(formatPool),
    ].join('\n'),
    formatLimits(config),
    section(
      'tiers',
      Object.entries(config.tiers).map(([name, tier]) => [
        name,
        `priority ${tier.priority}`,
        tier.requestsPerDay === undefined ? '' : `requestsPerDay ${tier.requestsPerDay}`,
        tier.rpm === undefined ? '' : `rpm ${tier.rpm}`,
      ]),
    ),
    formatClients(config),
    'ok',
  ]
  return `${sections.join('\n\n')}\n`
}

function formatServer(config: Config): string {
  const { server, clients, admin } = config
  const access =
    clients.length > 0
      ? `${clients.length} client${clients.length === 1 ? '' : 's'} with tokens`
      : 'anonymous (no clients)'
  return section('server', [
    ['listen', server.listen],
    ['upstream', redactUrl(server.upstream)],
    ['access', access],
    ['admin', admin.token === undefined ? 'no admin token' : 'admin token set'],
    ['state', config.state.store],
  ])
}

function formatPool([name, pool]: [string, PoolConfig]): string {
  const { rpm, tpm, rpd } = pool.defaultLimits
  const rows = [
    ['match', formatMatch(pool)],
    ['strategy', pool.strategy],
    ['keys', pool.keys.join(', ')],
    ['defaultLimits', `rpm ${rpm}, tpm ${tpm}, rpd ${rpd}`],
  ]
  return `  ${name}\n${table(rows, '    ')}`
}

function formatMatch(pool: PoolConfig): string {
  const parts = []
  if (pool.match.operations) parts.push(`operations ${pool.match.operations.join(', ')}`)
  if (pool.match.models) parts.push(`models ${pool.match.models.join(', ')}`)
  return parts.length === 0 ? 'every call' : parts.join('; ')
}

function formatLimits(config: Config): string {
  if (config.limits.length === 0) return 'limits: none configured (built-in tables apply)'
  return section(
    `limits (${config.limits.length})`,
    config.limits.map((entry) => [
      entry.models,
      entry.usageTier === undefined ? 'every usageTier' : `usageTier ${entry.usageTier}`,
      (['rpm', 'tpm', 'rpd'] as const)
        .filter((name) => entry[name] !== undefined)
        .map((name) => `${name} ${entry[name]}`)
        .join(', '),
    ]),
  )
}

function formatClients(config: Config): string {
  if (config.clients.length === 0) return 'clients: none (anonymous callers get the lowest tier)'
  return section(
    `clients (${config.clients.length})`,
    config.clients.map((client) => [client.id, `tier ${client.tier}`]),
  )
}

function section(title: string, rows: string[][]): string {
  return `${title}\n${table(rows, '  ')}`
}

/** Rows as aligned columns; trailing empty cells are dropped. */
function table(rows: string[][], indent: string): string {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
    )
    .join('\n')
}

function redactUrl(text: string): string {
  try {
    const url = new URL(text)
    if (url.username === '' && url.password === '') return text
    url.username = '***'
    url.password = ''
    return url.toString()
  } catch {
    return text
  }
}
