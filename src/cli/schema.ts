import { configJsonSchema } from '../config/json-schema.js'
import { exitOnUsageError, parseCommandArgs } from './args.js'
import { EXIT_OK, type CommandIO } from './io.js'

/** `keypool schema`: the config's JSON Schema on stdout, for editor validation of YAML. */
export function run(args: string[], io: CommandIO): Promise<number> {
  return exitOnUsageError(io, () => {
    parseCommandArgs('schema', args, {})
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
    return EXIT_OK
  })
}
