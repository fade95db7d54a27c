import { alternateRounds } from '../load/rounds.js'
import { markdownTable } from '../report/markdown.js'
import { count, megabytes, ratio } from '../report/numbers.js'
import { throughputScenarios } from '../setup/scenarios.js'
import { WAITING_BURST } from '../setup/configs.js'
import { waitingRequest } from '../setup/requests.js'

/**
 * Scale runs (issue part 2): the same unary load through keypool with 3 keys, with 1,000 keys
 * (1,000 projects, so 1,000 budgets to choose from), and with 10,000 calls waiting in its queue
 * for a model whose budget is spent. The waiting calls sit in another lane of the same pool;
 * what dequeuing from a deep lane costs is the scheduler micro-benchmark's part.
 */
export async function scaleSection({ stack, mode, progress }) {
  const many = await stack.startKeypool('keypool, 1,000 keys', stack.largeKeys())
  const deep = await stack.startKeypool(`keypool, ${count(mode.waiting)} waiting`)
  const waiters = await fillQueue(stack, deep, mode.waiting, progress)

  const targets = [stack.floor, stack.keypool, many, deep]
  const [unary] = throughputScenarios(mode)
  const tally = await alternateRounds({
    rounds: mode.rounds,
    targets,
    scenarios: [unary],
    warmupS: mode.warmupS,
    progress,
  })
  const waitingAtEnd = (await deep.process.stats()).extra.waiting

  await waiters.stop()
  await Promise.all([many.process.stop(), deep.process.stop()])
  const bare = await bareNodeHolding(stack, mode.waiting, progress)
  return {
    tables: [table(targets, (t) => tally(unary, t), deep, waitingAtEnd, bare)],
    figures: { ...figures(targets, (t) => tally(unary, t)), rssBareHeldMb: bare.rssMb },
  }
}

/**
 * What Node alone weighs holding as many open calls (bench/servers/holder.js): the floor under
 * keypool's RSS with a deep queue.
 */
async function bareNodeHolding(stack, waiting, progress) {
  const holder = await stack.startHolder()
  const target = { url: holder.url, process: holder }
  const waiters = await fillQueue(stack, target, waiting, progress, 0)
  const { rss, extra } = await holder.stats()
  await waiters.stop()
  await holder.stop()
  return { rssMb: rss / 2 ** 20, held: extra.waiting }
}

/** Sends the calls that must wait, and returns once keypool holds them all in its queue. */
async function fillQueue(stack, target, waiting, progress, burst = WAITING_BURST) {
  // More than asked: the first minute's calls of each project go at once.
  const calls = waiting + burst
  const waiters = await stack.startWaiters({ url: target.url, ...waitingRequest(), count: calls })
  const giveUpAt = Date.now() + 60_000
  for (;;) {
    const { extra } = await target.process.stats()
    if (extra.waiting >= waiting) break
    if (Date.now() > giveUpAt) {
      const { outcomes } = (await waiters.stats()).extra
      throw new Error(
        `only ${extra.waiting} of ${waiting} calls queued; ended: ${JSON.stringify(outcomes)}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  progress(`${count(waiting)} calls waiting in ${burst ? "keypool's queue" : 'a bare server'}`)
  return waiters
}

function table(targets, tallyOf, deep, waitingAtEnd, bare) {
  const [floor, base] = targets.map(tallyOf)
  const rows = targets.map((target, i) => {
    const t = tallyOf(target)
    return [
      target.name,
      count(t.requestsPerSecond),
      count(t.cpuPerRequestUs),
      i === 0 ? '–' : ratio(t.cpuPerRequestUs, base.cpuPerRequestUs),
      ratio(t.cpuPerRequestUs, floor.cpuPerRequestUs),
      megabytes(t.rssMb),
      target === deep ? count(waitingAtEnd) : '0',
      count(t.errors),
    ]
  })
  const reference = ['bare node:http, holding (no load)', '–', '–', '–', '–']
  rows.push([...reference, megabytes(bare.rssMb), count(bare.held), '0'])
  const header = [
    'process',
    'req/s',
    'CPU µs per admitted req',
    'to keypool',
    'to floor',
    'RSS MB',
    'waiting',
    'errors',
  ]
  const note =
    'keypool has 3 keys and an empty queue; the waiting calls are for another model of the ' +
    'same pool. The last row is Node alone holding as many open calls: the floor under RSS.'
  return `**Scale: unary, 64 connections**\n\n${markdownTable(header, rows)}\n\n${note}`
}

function figures(targets, tallyOf) {
  const [, base, many, deep] = targets.map(tallyOf)
  return {
    cpuRatioManyKeys: many.cpuPerRequestUs / base.cpuPerRequestUs,
    cpuRatioWaiting: deep.cpuPerRequestUs / base.cpuPerRequestUs,
    rssWaitingMb: deep.rssMb,
  }
}
