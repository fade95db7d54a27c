/** Narrowing helpers for request bodies, which arrive as `unknown`. */

export type JsonRecord = Record<string, unknown>

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** The first field of `record` present under any of `names` (camelCase or snake_case). */
export function field(record: JsonRecord | undefined, ...names: string[]): unknown {
  if (!record) return undefined
  for (const name of names) if (record[name] !== undefined) return record[name]
  return undefined
}
