import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { batchedDestination, createLogger } from '../../src/log/logger.js'

function tempLog(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'keypool-log-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'keypool.log')
}

function linesOf(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

void t.test('batched lines reach the file whole, in order, multi-byte text intact', async (t) => {
  const path = tempLog(t)
  const logger = createLogger({ destination: batchedDestination(path) })
  // Enough to cross several batches, with text of 1-, 2-, 3- and 4-byte characters.
  const words = ['plain', 'Grüße', '東京の雨', '🌊 sea', 'line\nbreak "quoted"']
  for (let i = 0; i < 2_000; i++) logger.info({ i, word: words[i % words.length] }, 'request')

  await new Promise<void>((resolve, reject) => {
    logger.flush((error) => (error ? reject(error) : resolve()))
  })

  const lines = linesOf(path)
  t.equal(lines.length, 2_000, 'every line written')
  t.same(
    lines.map((line) => line.i),
    Array.from({ length: 2_000 }, (_, i) => i),
    'in the order logged',
  )
  t.same(
    lines.slice(0, 5).map((line) => line.word),
    words,
    'text comes back as logged',
  )
  t.ok(
    lines.every((line) => line.msg === 'request' && line.svc === 'keypool'),
    'each line whole',
  )
})

void t.test(
  'a fatal line is on disk when the call returns, with the lines held before it',
  async (t) => {
    const path = tempLog(t)
    const logger = createLogger({ destination: batchedDestination(path) })
    logger.info({ step: 1 }, 'listening')
    await new Promise<void>((resolve) => logger.flush(() => resolve()))

    // Far below a batch: only a synchronous flush can put these on disk at once.
    logger.info({ requestId: 'r-1' }, 'request')
    logger.fatal({ code: 'KP_ERR_INTERNAL' }, 'cannot go on')

    t.same(
      linesOf(path).map((line) => line.msg),
      ['listening', 'request', 'cannot go on'],
    )
  },
)
