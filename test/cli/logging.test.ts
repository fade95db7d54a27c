import t from 'tap'
import { createCommandLogger } from '../../src/cli/logging.js'
import { UsageError } from '../../src/cli/args.js'
import { memoryIO } from '../helpers/cli-io.js'

t.test('the logger writes JSON lines to the command stdout at the chosen level', async (t) => {
  const io = memoryIO()
  const logger = createCommandLogger({ 'log-level': 'warn' }, io)
  logger.info({ pool: 'main' }, 'hidden')
  logger.warn({ pool: 'main' }, 'shown')
  const lines = io
    .out()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 40, pool: 'main', msg: 'shown', svc: 'keypool' })
})

t.test('$KEYPOOL_LOG_LEVEL sets the level and --log-level beats it', async (t) => {
  t.equal(createCommandLogger({}, memoryIO({ KEYPOOL_LOG_LEVEL: 'debug' })).level, 'debug')
  t.equal(
    createCommandLogger({ 'log-level': 'error' }, memoryIO({ KEYPOOL_LOG_LEVEL: 'debug' })).level,
    'error',
  )
  t.equal(createCommandLogger({}, memoryIO({ KEYPOOL_LOG_LEVEL: '' })).level, 'info')
  t.equal(createCommandLogger({}, memoryIO()).level, 'info')
})

t.test('an unknown level is a usage error naming where it came from', async (t) => {
  t.throws(() => createCommandLogger({}, memoryIO({ KEYPOOL_LOG_LEVEL: 'loud' })), {
    message:
      '$KEYPOOL_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, ' +
      'got "loud"',
  })
  t.throws(() => createCommandLogger({ 'log-level': 'loud' }, memoryIO()), UsageError)
})
