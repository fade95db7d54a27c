import { z } from 'zod'
import { configSchema } from './schema.js'

/**
 * The JSON Schema of the config file as written (`io: 'input'`: durations as strings, defaults
 * optional), for editors that validate YAML. Draft 7, which YAML editors support most widely.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' })
  return {
    ...schema,
    title: 'keypool config',
    description:
      'keypool.yaml: keys, pools, limits, queue, clients. See config/keypool.example.yaml.',
  }
}
