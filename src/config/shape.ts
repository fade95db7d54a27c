import { z } from 'zod'
import type { PathSegment } from './errors.js'

/**
 * Reading the schema's shape: the option paths that exist (the example config is checked
 * against them) and the fields allowed at a place (for hints on unknown fields).
 */

/** The schema under wrappers that do not change the shape: defaults, optionals, transforms. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (;;) {
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType
    else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      current = current.unwrap() as z.ZodType
    } else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType
    } else return current
  }
}

/** What a schema holds below it: fields, one list item, or one map value. */
function children(schema: z.ZodType): Array<[segment: string, child: z.ZodType]> {
  const inner = unwrap(schema)
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape)
  }
  if (inner instanceof z.ZodArray) return [['[]', inner.element as z.ZodType]]
  if (inner instanceof z.ZodRecord) return [['*', inner.valueType as z.ZodType]]
  return []
}

/**
 * Every option as a path: `server.listen`, `keys[].id`, `pools.*.match.operations`. Lists and
 * maps themselves are options too (`keys`, `pools`); their items are not.
 */
export function optionPaths(schema: z.ZodType, prefix = ''): string[] {
  const paths: string[] = []
  for (const [segment, child] of children(schema)) {
    const path = segment === '[]' ? `${prefix}[]` : prefix === '' ? segment : `${prefix}.${segment}`
    if (segment !== '[]' && segment !== '*') paths.push(path)
    paths.push(...optionPaths(child, path))
  }
  return paths
}

/** The field names allowed in the object at `path`, or undefined when no object is there. */
export function fieldsAt(schema: z.ZodType, path: readonly PathSegment[]): string[] | undefined {
  let current = unwrap(schema)
  for (const segment of path) {
    const next = children(current).find(([name]) =>
      typeof segment === 'number' ? name === '[]' : name === segment || name === '*',
    )
    if (!next) return undefined
    current = unwrap(next[1])
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined
}
