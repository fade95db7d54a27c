import t from 'tap'
import { startStack } from '../helpers/stack.js'
import { ManualClock } from '../../src/util/clock.js'
import { scrape, type Scrape } from './prom-text.js'
import { generate } from './traffic.js'

const TOKEN = 'web-app-token-0123456789'
const CALLS = 500
const BATCH = 100

/** Series of keypool's own metrics (not the process's), as `name{labels}` without values. */
function series(metrics: Scrape): Set<string> {
  const own = metrics.samples.filter((s) => !/^keypool_(process|nodejs)_/.test(s.name))
  return new Set(own.map((s) => `${s.name}${JSON.stringify(s.labels)}`))
}

/**
 * Runs calls while moving the manual clock: refused tokens from one address are slowed on
 * keypool's clock, so time must pass for them to be answered.
 */
async function withTimePassing<T>(clock: ManualClock, work: Promise<T>): Promise<T> {
  let done = false
  const watched = work.finally(() => (done = true))
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 1))
    clock.advance(10_000)
  }
  return watched
}

/**
 * Calls `from` to `from + count`, each naming its own made-up model; every other call also
 * sends its own made-up token (refused), the rest the client's token (sent upstream).
 */
async function junkCalls(url: string, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += BATCH) {
    const calls = []
    for (let i = start; i < Math.min(start + BATCH, from + count); i++) {
      const token = i % 2 === 0 ? TOKEN : `made-up-token-${i}-abcdef`
      calls.push(generate(url, { token, model: `made-up-model-${i}` }))
    }
    await Promise.all(calls)
  }
}

t.test(
  '500 made-up model names and 250 made-up tokens add no series after the first calls',
  async (t) => {
    const clock = new ManualClock(Date.now())
    const stack = await startStack(t, {
      clock,
      config: {
        clients: [{ id: 'web-app', token: TOKEN }],
        // One key and generous defaults: every made-up model shares the one `other` budget.
        pools: {
          main: { keys: ['alpha-1'], defaultLimits: { rpm: 100_000, tpm: 10 ** 9, rpd: 10 ** 9 } },
        },
      },
    })
    await withTimePassing(clock, junkCalls(stack.url, 0, 10))
    const early = series(await scrape(stack.url))
    await withTimePassing(clock, junkCalls(stack.url, 10, CALLS - 10))
    const late = await scrape(stack.url)

    t.same(
      [...series(late)].filter((s) => !early.has(s)),
      [],
      'no new series after 10 calls',
    )
    t.ok(early.size < 200, `${early.size} series in all`)
    const models = new Set(late.samples.map((s) => s.labels.model).filter(Boolean))
    const clients = new Set(late.samples.map((s) => s.labels.client).filter(Boolean))
    t.same([...models].sort(), ['other'])
    t.same([...clients].sort(), ['anonymous', 'web-app'])
    t.notMatch(late.text, /made-up/, 'no made-up name or token reached a label')
  },
)
