import type { PathSegment, RawIssue } from './errors.js'

/**
 * Options of the design whose parts are not built yet. They are refused with a message that
 * says so, rather than "unknown field" or, worse, accepted and ignored. Remove a row when its
 * part lands and its option joins the schema.
 */
interface NotBuilt {
  /** `*` is any name of a map, `[]` any item of a list. */
  readonly path: readonly string[]
  readonly message: string | ((value: unknown) => string)
  /** Refuse only some values; absent: any value. */
  readonly refuses?: (value: unknown) => boolean
}

export const NOT_BUILT: readonly NotBuilt[] = [
  { path: ['cache'], message: 'response caching is not built yet; remove this section' },
  {
    path: ['state', 'store'],
    refuses: (value) => value === 'sqlite' || value === 'redis',
    message: (value) => `the ${String(value)} store is not built yet; use memory`,
  },
  { path: ['state', 'sqlite'], message: 'the sqlite store is not built yet; remove this section' },
  { path: ['state', 'redis'], message: 'the redis store is not built yet; remove this section' },
  { path: ['pools', '*', 'fallbackModels'], message: 'model fallback is not built yet; remove it' },
]

/** Reports and deletes every not-built option in `raw`, so the schema does not report it too. */
export function removeNotBuilt(raw: unknown): RawIssue[] {
  const issues: RawIssue[] = []
  for (const row of NOT_BUILT) {
    visit(raw, row.path, [], (parent, key, path) => {
      const value = parent[key]
      if (row.refuses && !row.refuses(value)) return
      const message = typeof row.message === 'string' ? row.message : row.message(value)
      issues.push({ path, message })
      delete parent[key]
    })
  }
  return issues
}

type Found = (parent: Record<string, unknown>, key: string, path: PathSegment[]) => void

function visit(node: unknown, pattern: readonly string[], path: PathSegment[], found: Found): void {
  const [head, ...rest] = pattern
  if (head === undefined) return

  if (head === '[]') {
    if (!Array.isArray(node)) return
    node.forEach((item, index) => visit(item, rest, [...path, index], found))
    return
  }
  if (!isRecord(node)) return

  const names = head === '*' ? Object.keys(node) : [head]
  for (const name of names) {
    if (!Object.hasOwn(node, name)) continue
    if (rest.length === 0) found(node, name, [...path, name])
    else visit(node[name], rest, [...path, name], found)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
