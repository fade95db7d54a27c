import { z } from 'zod'
import type { PathSegment, RawIssue } from './errors.js'
import { fieldsAt } from './shape.js'

/**
 * Zod's issues in the words of a YAML file: maps and lists, not records and arrays. Messages
 * never quote the value found, since a misplaced secret must not reach a log.
 */
export const yamlErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `required (${noun(issue.expected)})`
      return `expected ${noun(issue.expected)}, got ${kindOf(issue.input)}`
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}`
    case 'too_small':
      return bound('at least', issue.origin, Number(issue.minimum), issue.inclusive)
    case 'too_big':
      return bound('at most', issue.origin, Number(issue.maximum), issue.inclusive)
    default:
      return undefined
  }
}

/** One issue per problem, each at the path of the field it is about. */
export function fromZod(error: z.ZodError, schema: z.ZodType): RawIssue[] {
  return error.issues.flatMap((issue): RawIssue[] => {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol')
    if (issue.code === 'unrecognized_keys') {
      const known = fieldsAt(schema, path) ?? []
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownField(key, known) }))
    }
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message ?? issue.message
      return [{ path, message: `invalid name "${String(path.at(-1))}": ${reason}` }]
    }
    return [{ path, message: issue.message }]
  })
}

function unknownField(key: string, known: readonly string[]): string {
  const limit = key.length < 5 ? 1 : 2
  const close = known.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= limit)
  if (close !== undefined) return `unknown field "${key}"; did you mean "${close}"?`
  if (known.length === 0) return `unknown field "${key}"`
  return `unknown field "${key}" (known here: ${known.join(', ')})`
}

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
}

function noun(expected: string): string {
  return NOUNS[expected] ?? expected
}

function kindOf(input: unknown): string {
  if (input === null) return 'an empty value'
  if (Array.isArray(input)) return 'a list'
  if (typeof input === 'object') return 'a map'
  if (typeof input === 'number' && !Number.isInteger(input)) return 'a fraction'
  return noun(typeof input)
}

function bound(word: string, origin: string, limit: number, isInclusive = true): string {
  const strict = word === 'at least' ? 'more than' : 'less than'
  const relation = isInclusive ? word : strict
  if (origin === 'array') return `expected ${relation} ${limit} item${limit === 1 ? '' : 's'}`
  if (origin === 'string') return `expected ${relation} ${limit} characters`
  return `expected ${relation} ${limit}`
}

/** Levenshtein distance, for "did you mean" on short field names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}
