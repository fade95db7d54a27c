import type { UsageTier } from '../config/schema.js'

/**
 * Built-in limit tables: data, not logic (design section 3). Google changes these numbers often
 * and since 2026 publishes them only inside AI Studio, so every row is a default that a config
 * `limits` entry overrides. Where the sources disagree, the lower number is taken: a limit set
 * too low costs throughput, one set too high costs 429s. A 429 still teaches keypool the truth
 * (cooling, exhaustion) whatever this table says.
 */

/** One model's limits for one usage tier. `rpd: null` means no daily limit. */
export interface TableRow {
  readonly rpm: number
  readonly tpm: number
  readonly rpd: number | null
  /** Not confirmed by a source: inferred from a sibling model or from memory of older tables. */
  readonly estimate?: true
}

export interface LimitTables {
  /** When the table was compiled. */
  readonly date: string
  readonly sources: readonly string[]
  readonly tiers: Readonly<Record<UsageTier, Readonly<Record<string, TableRow>>>>
}

export const DEFAULT_LIMIT_TABLES: LimitTables = {
  date: '2026-12-03',
  sources: [
    'gemini-wire.md §4.2: secondary copies of the mid/late-2025 official rate-limits table ' +
      '(ai.google.dev/gemini-api/docs/rate-limits) for free and Tier 1.',
    'Free tier cut of 2025-12-07: AI Studio snapshot of 2026-01-25 in ' +
      '404-Profit-Not-Found/neural-ticker-core GEMINI_MODELS.md (2.5-flash 5/250K/20, ' +
      '2.5-flash-lite 10/250K/20, 3-flash-preview 5/250K/20, "gemini-3-pro" 5/250K/20, ' +
      'embedding 100/30K/1K); rtila.com "20 requests per day"; ' +
      'help.apiyi.com (2.5 Pro after the cut: 5 RPM, 100 RPD).',
    'gemini-embedding-001 free 100 RPM: garrytan/gbrain#1922. Tier 1 3,000 RPM was reported ' +
      'earlier and is unverified.',
    'Tier 1 conflicts: other copies give 2.5-flash 300/2M/1,500 or 200/1M/1,500; unverified.',
    'Tier 2 and Tier 3: from memory of the mid-2025 official table; every row is an estimate.',
    'Gemini 3 names (3-pro-preview, 3-flash-preview, 3.1-pro-preview, 3.1-flash-lite[-preview], ' +
      '3.5-flash) are seen in 2026 code; their numbers beyond the free snapshot mirror the 2.5 ' +
      'model of the same class and are estimates.',
    '2.0-flash and 2.0-flash-lite are deprecated (shutdown early 2026 per the deprecations page).',
  ],
  tiers: {
    free: {
      'gemini-2.5-pro': { rpm: 5, tpm: 250_000, rpd: 100 },
      'gemini-2.5-flash': { rpm: 5, tpm: 250_000, rpd: 20 },
      'gemini-2.5-flash-lite': { rpm: 10, tpm: 250_000, rpd: 20 },
      'gemini-2.0-flash': { rpm: 15, tpm: 1_000_000, rpd: 200 },
      'gemini-2.0-flash-lite': { rpm: 30, tpm: 1_000_000, rpd: 200, estimate: true },
      'gemini-embedding-001': { rpm: 100, tpm: 30_000, rpd: 1_000 },
      'gemini-3-pro-preview': { rpm: 5, tpm: 250_000, rpd: 20, estimate: true },
      'gemini-3-flash-preview': { rpm: 5, tpm: 250_000, rpd: 20 },
      'gemini-3.1-pro-preview': { rpm: 5, tpm: 250_000, rpd: 20, estimate: true },
      'gemini-3.1-flash-lite-preview': { rpm: 10, tpm: 250_000, rpd: 20, estimate: true },
      'gemini-3.1-flash-lite': { rpm: 10, tpm: 250_000, rpd: 20, estimate: true },
      'gemini-3.5-flash': { rpm: 5, tpm: 250_000, rpd: 20, estimate: true },
    },
    tier1: {
      'gemini-2.5-pro': { rpm: 150, tpm: 2_000_000, rpd: 10_000 },
      'gemini-2.5-flash': { rpm: 1_000, tpm: 1_000_000, rpd: 10_000 },
      'gemini-2.5-flash-lite': { rpm: 4_000, tpm: 4_000_000, rpd: null },
      'gemini-2.0-flash': { rpm: 2_000, tpm: 4_000_000, rpd: null, estimate: true },
      'gemini-2.0-flash-lite': { rpm: 4_000, tpm: 4_000_000, rpd: null, estimate: true },
      'gemini-embedding-001': { rpm: 3_000, tpm: 1_000_000, rpd: null, estimate: true },
      'gemini-3-pro-preview': { rpm: 50, tpm: 1_000_000, rpd: 1_000, estimate: true },
      'gemini-3-flash-preview': { rpm: 1_000, tpm: 1_000_000, rpd: 10_000, estimate: true },
      'gemini-3.1-pro-preview': { rpm: 50, tpm: 1_000_000, rpd: 1_000, estimate: true },
      'gemini-3.1-flash-lite-preview': { rpm: 4_000, tpm: 4_000_000, rpd: null, estimate: true },
      'gemini-3.1-flash-lite': { rpm: 4_000, tpm: 4_000_000, rpd: null, estimate: true },
      'gemini-3.5-flash': { rpm: 1_000, tpm: 1_000_000, rpd: 10_000, estimate: true },
    },
    tier2: {
      'gemini-2.5-pro': { rpm: 1_000, tpm: 5_000_000, rpd: 50_000, estimate: true },
      'gemini-2.5-flash': { rpm: 2_000, tpm: 3_000_000, rpd: 100_000, estimate: true },
      'gemini-2.5-flash-lite': { rpm: 10_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-2.0-flash': { rpm: 10_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-2.0-flash-lite': { rpm: 20_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-embedding-001': { rpm: 5_000, tpm: 5_000_000, rpd: null, estimate: true },
      'gemini-3-pro-preview': { rpm: 1_000, tpm: 5_000_000, rpd: 50_000, estimate: true },
      'gemini-3-flash-preview': { rpm: 2_000, tpm: 3_000_000, rpd: 100_000, estimate: true },
      'gemini-3.1-pro-preview': { rpm: 1_000, tpm: 5_000_000, rpd: 50_000, estimate: true },
      'gemini-3.1-flash-lite-preview': { rpm: 10_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-3.1-flash-lite': { rpm: 10_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-3.5-flash': { rpm: 2_000, tpm: 3_000_000, rpd: 100_000, estimate: true },
    },
    tier3: {
      'gemini-2.5-pro': { rpm: 2_000, tpm: 8_000_000, rpd: null, estimate: true },
      'gemini-2.5-flash': { rpm: 10_000, tpm: 8_000_000, rpd: null, estimate: true },
      'gemini-2.5-flash-lite': { rpm: 30_000, tpm: 30_000_000, rpd: null, estimate: true },
      'gemini-2.0-flash': { rpm: 30_000, tpm: 30_000_000, rpd: null, estimate: true },
      'gemini-2.0-flash-lite': { rpm: 30_000, tpm: 30_000_000, rpd: null, estimate: true },
      'gemini-embedding-001': { rpm: 10_000, tpm: 10_000_000, rpd: null, estimate: true },
      'gemini-3-pro-preview': { rpm: 2_000, tpm: 8_000_000, rpd: null, estimate: true },
      'gemini-3-flash-preview': { rpm: 10_000, tpm: 8_000_000, rpd: null, estimate: true },
      'gemini-3.1-pro-preview': { rpm: 2_000, tpm: 8_000_000, rpd: null, estimate: true },
      'gemini-3.1-flash-lite-preview': { rpm: 30_000, tpm: 30_000_000, rpd: null, estimate: true },
      'gemini-3.1-flash-lite': { rpm: 30_000, tpm: 30_000_000, rpd: null, estimate: true },
      'gemini-3.5-flash': { rpm: 10_000, tpm: 8_000_000, rpd: null, estimate: true },
    },
  },
}
