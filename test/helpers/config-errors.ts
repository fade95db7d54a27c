import { ConfigError } from '../../src/config/errors.js'
import { parseConfigText } from '../../src/config/load.js'

/** The lines of the ConfigError that `text` raises; fails the test if it loads. */
export function configErrorLines(text: string): string[] {
  try {
    parseConfigText(text, { source: 'config/keypool.yaml', env: {} })
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n')
    throw error
  }
  throw new Error('expected a ConfigError')
}
