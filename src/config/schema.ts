import { z } from 'zod'
import { parseDuration, parseSize } from '../util/units.js'

/**
 * The config schema: the one source of types and defaults (design section 3). Durations and
 * sizes are written as strings in YAML and come out as milliseconds and bytes.
 */

const duration = z
  .union([z.string(), z.number()], { error: 'expected a duration such as 500ms, 30s, 5m or 1h' })
  .describe('A duration such as 500ms, 30s, 5m, 1h or 7d (a bare number is milliseconds)')
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : parseDuration(value)
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 30s or 5m, got "${value}"`,
      })
      return z.NEVER
    }
    return ms
  })

const size = z
  .union([z.string(), z.number().int().nonnegative()], {
    error: 'expected a size such as 512kb, 20mb or 1gb',
  })
  .describe('A size such as 512kb, 20mb or 1gb (a bare number is bytes)')
  .transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseSize(value)
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a size like 20mb, got "${value}"` })
      return z.NEVER
    }
    return bytes
  })

const word = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, - and _')
const count = z.number().int().nonnegative()

export const USAGE_TIERS = ['free', 'tier1', 'tier2', 'tier3'] as const
export const OPERATIONS = ['generate', 'embed', 'count', 'other'] as const
export const STRATEGIES = ['most-headroom', 'round-robin', 'weighted'] as const

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
    error: 'expected HOST:PORT, e.g. 127.0.0.1:8787',
    abort: true,
  })
  .refine((text) => Number(text.slice(text.lastIndexOf(':') + 1)) <= 65_535, {
    error: 'expected a port of at most 65535',
  })

const serverSchema = z.strictObject({
  listen: hostPort.default('127.0.0.1:8787').describe('Address to listen on; loopback by default'),
  upstream: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .default('https://generativelanguage.googleapis.com')
    .describe('Where calls go: Google, or the simulator'),
  requestTimeout: duration.prefault('10m').describe('Whole request, queue wait included'),
  streamIdleTimeout: duration.prefault('5m').describe('A stream silent for this long is cut'),
  maxBodySize: size.prefault('100mb').describe('Larger request bodies get 413'),
  allowAnonymous: z
    .boolean()
    .default(false)
    .describe('Allow running without clients on a non-loopback address'),
  upstreamProxy: z
    .string()
    .default('')
    .describe('Outbound HTTP(S) proxy; HTTPS_PROXY and NO_PROXY are honoured too'),
  shutdownGrace: duration.prefault('30s').describe('On SIGTERM, time left for in-flight calls'),
  tls: z
    .strictObject({
      cert: z
        .string()
        .min(1)
        .describe('PEM certificate file (chain included), relative to the config'),
      key: z.string().min(1).describe('PEM private key file, relative to the config'),
    })
    .optional()
    .describe('Serve HTTPS and WSS instead of HTTP on listen (Python opens Live with wss://)'),
})

const stateSchema = z.strictObject({
  store: z
    .enum(['memory'])
    .default('memory')
    .describe('Where budgets and state live; only memory exists so far'),
})

const keySchema = z
  .strictObject({
    id: word.describe('Name used in logs, metrics and headers; never the secret'),
    key: z.string().min(1).optional().describe('The API key (use ${ENV_VAR})'),
    keyFile: z.string().min(1).optional().describe('A file holding the API key'),
    project: word
      .optional()
      .describe('Keys of one Google Cloud project share its quota; without one, its own'),
    usageTier: z.enum(USAGE_TIERS).default('free').describe("Google's billing tier of the key"),
    weight: z.number().positive().default(1).describe('Share of calls under strategy: weighted'),
  })
  .refine((k) => (k.key === undefined) !== (k.keyFile === undefined), {
    message: 'give exactly one of key or keyFile',
  })
  // A key without `project` is its own project (design section 3); the default lives here so
  // that every reader of the config sees a project, and `key:` cannot clash with a word.
  .transform((k) => ({ ...k, project: k.project ?? `key:${k.id}` }))

const rateLimits = {
  rpm: count.optional().describe('Requests in any 60 s'),
  tpm: count.optional().describe('Input tokens in any 60 s'),
  rpd: count.optional().describe('Requests per Pacific day'),
}

/** Live API sessions a project may hold open at once for a model, unless an entry says. */
export const DEFAULT_LIVE_SESSIONS = 3

const limitSchema = z.strictObject({
  models: z.string().min(1).describe('A model name or a glob (gemini-2.5-pro*)'),
  usageTier: z.enum(USAGE_TIERS).optional().describe('Only keys of this usage tier'),
  ...rateLimits,
  liveSessions: count
    .optional()
    .describe(
      `Live API sessions a project may hold open at once (default ${DEFAULT_LIVE_SESSIONS})`,
    ),
})

const poolSchema = z.strictObject({
  match: z
    .strictObject({
      operations: z.array(z.enum(OPERATIONS)).min(1).optional().describe('Kinds of call'),
      models: z.array(z.string().min(1)).min(1).optional().describe('Model globs'),
    })
    .prefault({})
    .describe('Which calls this pool serves; empty matches all'),
  keys: z.array(word).min(1).describe('Ids of the keys in this pool'),
  strategy: z.enum(STRATEGIES).default('most-headroom').describe('How a key is chosen'),
  defaultLimits: z
    .strictObject({ rpm: count.default(5), tpm: count.default(250_000), rpd: count.default(20) })
    .prefault({})
    .describe('Limits for models that no table and no limits entry knows'),
})

const queueSchema = z.strictObject({
  maxSize: count.default(1000).describe('Calls waiting per pool'),
  maxBytes: size.prefault('256mb').describe('Request bodies held while waiting, all pools'),
  maxWait: duration.prefault('2m').describe('Longer predicted waits are refused at once'),
})

const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).default(3).describe('Per call, across keys'),
  backoff: z
    .strictObject({ base: duration.prefault('250ms'), max: duration.prefault('5s') })
    .prefault({}),
})

const tierSchema = z.strictObject({
  priority: z.number().int().default(0).describe('Higher goes first'),
  requestsPerDay: count.optional().describe('Calls per Pacific day'),
  rpm: count.optional().describe('Calls per minute'),
})

const clientSchema = z
  .strictObject({
    id: word.describe('Name used in logs and metrics'),
    token: z.string().min(8).optional().describe('The token the client sends as its API key'),
    tokenSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
      .optional()
      .describe('SHA-256 of the token, so the file holds no secret'),
    tier: word.default('free').describe('A name under tiers'),
  })
  .refine((c) => (c.token === undefined) !== (c.tokenSha256 === undefined), {
    message: 'give exactly one of token or tokenSha256',
  })

const adminSchema = z.strictObject({
  token: z.string().min(8).optional().describe('Bearer token for /keypool/* admin routes'),
  metricsPublic: z.boolean().default(true).describe('Serve /metrics without the admin token'),
})

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}),
  state: stateSchema.prefault({}),
  keys: z.array(keySchema).min(1).describe('The Gemini API keys to share'),
  limits: z.array(limitSchema).default([]).describe('Overrides of the built-in limit tables'),
  pools: z
    .record(word, poolSchema)
    .refine((p) => Object.keys(p).length > 0, 'define at least one pool')
    .describe('In file order, the first whose match fits serves a call'),
  queue: queueSchema.prefault({}),
  retry: retrySchema.prefault({}),
  tiers: z
    .record(word, tierSchema)
    .default({ free: { priority: 0 }, premium: { priority: 1 }, vip: { priority: 2 } })
    .describe("Plans keypool gives its clients (not Google's usageTier)"),
  clients: z.array(clientSchema).default([]).describe('None: anonymous (loopback only)'),
  admin: adminSchema.prefault({}),
})

/** The config as written (before defaults and unit parsing). */
export type ConfigInput = z.input<typeof configSchema>
/** The config as keypool uses it: defaults applied, durations in ms, sizes in bytes. */
export type Config = z.output<typeof configSchema>
export type KeyConfig = Config['keys'][number]
export type PoolConfig = Config['pools'][string]
export type LimitConfig = Config['limits'][number]
export type ClientConfig = Config['clients'][number]
export type TierConfig = Config['tiers'][string]
export type UsageTier = (typeof USAGE_TIERS)[number]
export type Operation = (typeof OPERATIONS)[number]
export type Strategy = (typeof STRATEGIES)[number]
