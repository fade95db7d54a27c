import t from 'tap'
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { run } from '../../src/cli/schema.js'
import { memoryIO } from '../helpers/cli-io.js'

type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  propertyNames?: { pattern?: string }
}

async function printedSchema(): Promise<JsonSchema & Record<string, unknown>> {
  const io = memoryIO()
  t.equal(await run([], io), 0)
  t.equal(io.err(), '')
  return JSON.parse(io.out()) as JsonSchema & Record<string, unknown>
}

/**
 * Enough of a validator to hold the example to the schema's shape: every field of every map
 * is one the schema names, and required fields are present.
 */
function shapeProblems(value: unknown, schema: JsonSchema, path: string): string[] {
  if (schema.anyOf) {
    const options = schema.anyOf.map((option) => shapeProblems(value, option, path))
    return options.some((problems) => problems.length === 0) ? [] : (options[0] ?? [])
  }
  if (Array.isArray(value)) {
    if (!schema.items) return []
    return value.flatMap((item, i) => shapeProblems(item, schema.items!, `${path}[${i}]`))
  }
  if (typeof value !== 'object' || value === null) return []

  const problems = (schema.required ?? [])
    .filter((name) => !(name in value))
    .map((name) => `${path}.${name}: required`)
  for (const [name, child] of Object.entries(value)) {
    const pattern = schema.propertyNames?.pattern
    if (pattern && !new RegExp(pattern).test(name)) problems.push(`${path}.${name}: bad name`)
    const sub = schema.properties?.[name] ?? schema.additionalProperties
    if (sub === false || sub === undefined) problems.push(`${path}.${name}: not allowed`)
    else if (sub !== true) problems.push(...shapeProblems(child, sub, `${path}.${name}`))
  }
  return problems
}

t.test('schema prints a JSON Schema of the whole file, closed to unknown fields', async (t) => {
  const schema = await printedSchema()
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#')
  t.equal(schema.type, 'object')
  t.equal(schema.additionalProperties, false)
  t.same(Object.keys(schema.properties ?? {}), [
    'server',
    'state',
    'keys',
    'limits',
    'pools',
    'queue',
    'retry',
    'tiers',
    'clients',
    'admin',
  ])
  t.same(schema.required, ['keys', 'pools'])
})

t.test('the schema describes the file as written: durations as text, descriptions', async (t) => {
  const server = (await printedSchema()).properties!.server!
  const timeout = server.properties!.requestTimeout as Record<string, unknown>
  t.same(timeout.type, ['string', 'number'])
  t.equal(timeout.default, '10m')
  t.match(timeout.description, /duration|queue/i)
  t.equal(server.additionalProperties, false)
})

t.test('the example config has the shape the schema describes', async (t) => {
  const schema = await printedSchema()
  const example: unknown = parse(await readFile('config/keypool.example.yaml', 'utf8'))
  t.same(shapeProblems(example, schema, '$'), [])
  t.not(shapeProblems({ ...(example as object), cache: {} }, schema, '$'), [])
  t.same(shapeProblems({ ...(example as object), cache: {} }, schema, '$'), [
    '$.cache: not allowed',
  ])
})

t.test('schema takes no arguments', async (t) => {
  const io = memoryIO()
  t.equal(await run(['--out', 'x'], io), 2)
  t.match(io.err(), 'keypool schema: unknown option --out')
})
