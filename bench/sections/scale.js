import { alternateRounds } from '../load/rounds.js'
import { markdownTable } from '../report/markdown.js'
import { count, megabytes, ratio } from '../report/numbers.js'
import { throughputScenarios } from '../setup/scenarios.js'
import { WAITING_BURST, WAITING_MODEL } from '../setup/configs.js'
import { waitingRequest } from '../setup/requests.js'

/**
 * Scale runs (issue part 2): the same unary load through keypool with 3 keys, with 1,000 keys
 * (1,000 projects, so 1,000 budgets to choose from), and with 10,000 calls waiting in its queue
 * for a model whose budget is spent. The waiting calls sit in another lane of the same pool;
 * what dequeuing from a deep lane costs is the scheduler micro-benchmark's part.
 *
 * A second floor holds as many open calls, unanswered, under the same load: Node's own cost of
 * 10,000 open requests (slower young-generation collections, garbage promoted to the old one)
 * shows there, so keypool's deep-queue row can be read against it.
 */
export async function scaleSection({ stack, mode, progress }) {
  const many = await stack.startKeypool('keypool, 1,000 keys', stack.largeKeys())
  const deep = await stack.startKeypool(`keypool, ${count(mode.waiting)} waiting`)
  const holding = await stack.startHoldingFloor(`floor, ${count(mode.waiting)} held`, WAITING_MODEL)
  const [deepWaiters, heldWaiters] = await Promise.all([
    fillQueue(stack, deep, mode.waiting, progress),
    fillQueue(stack, holding, mode.waiting, progress, 0),
  ])
  const atRest = {
    deep: (await deep.process.stats()).rss / 2 ** 20,
    holding: (await holding.process.stats()).rss / 2 ** 20,
  }

  const targets = [stack.floor, holding, stack.keypool, many, deep]
  const [unary] = throughputScenarios(mode)
  const tally = await alternateRounds({
    rounds: mode.rounds,
    targets,
    scenarios: [unary],
    warmupS: mode.warmupS,
    progress,
  })
  const waitingAtEnd = new Map()
  for (const target of [holding, deep]) {
    waitingAtEnd.set(target, (await target.process.stats()).extra.waiting)
  }

  await Promise.all([deepWaiters.stop(), heldWaiters.stop()])
  await Promise.all([many.process.stop(), deep.process.stop(), holding.process.stop()])
  const tallyOf = (t) => tally(unary, t)
  return {
    tables: [table(targets, tallyOf, waitingAtEnd, atRest)],
    figures: figures(targets, tallyOf, atRest),
  }
}

/** Sends the calls that must wait, and returns once the target holds them all. */
async function fillQueue(stack, target, waiting, progress, burst = WAITING_BURST) {
  // More than asked for keypool: the first minute's calls of each project go at once.
  const calls = waiting + burst
  const waiters = await stack.startWaiters({ url: target.url, ...waitingRequest(), count: calls })
  const giveUpAt = Date.now() + 60_000
  for (;;) {
    const { extra } = await target.process.stats()
    if (extra.waiting >= waiting) break
    if (Date.now() > giveUpAt) {
      const { outcomes } = (await waiters.stats()).extra
      throw new Error(
        `only ${extra.waiting} of ${waiting} calls held by ${target.name}; ` +
          `ended: ${JSON.stringify(outcomes)}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  progress(`${count(waiting)} calls waiting in ${target.name}`)
  return waiters
}

function table(targets, tallyOf, waitingAtEnd, atRest) {
  const [floor, , base] = targets.map(tallyOf)
  const rows = targets.map((target) => {
    const t = tallyOf(target)
    const isKeypool = target.name.startsWith('keypool')
    return [
      target.name,
      count(t.requestsPerSecond),
      count(t.cpuPerRequestUs),
      ratio(t.cpuPerRequestUs, floor.cpuPerRequestUs),
      isKeypool ? ratio(t.cpuPerRequestUs, base.cpuPerRequestUs) : '–',
      megabytes(t.rssMb),
      count(waitingAtEnd.get(target) ?? 0),
      count(t.errors),
    ]
  })
  const header = [
    'process',
    'req/s',
    'CPU µs per admitted req',
    'to floor',
    'to keypool',
    'RSS MB',
    'waiting',
    'errors',
  ]
  const note =
    'keypool has 3 keys and an empty queue; the waiting calls are for another model of the ' +
    'same pool. The held floor is the bare forwarder holding as many open calls unanswered. ' +
    `RSS at rest with the calls waiting, before any load: keypool ${megabytes(atRest.deep)} MB, ` +
    `the held floor ${megabytes(atRest.holding)} MB.`
  return `**Scale: unary, 64 connections**\n\n${markdownTable(header, rows)}\n\n${note}`
}

function figures(targets, tallyOf, atRest) {
  const [floor, holding, base, many, deep] = targets.map(tallyOf)
  return {
    cpuRatioManyKeys: many.cpuPerRequestUs / base.cpuPerRequestUs,
    cpuRatioWaiting: deep.cpuPerRequestUs / base.cpuPerRequestUs,
    cpuRatioHeldFloor: holding.cpuPerRequestUs / floor.cpuPerRequestUs,
    rssWaitingMb: deep.rssMb,
    rssHeldFloorMb: holding.rssMb,
    rssWaitingAtRestMb: atRest.deep,
    rssHeldFloorAtRestMb: atRest.holding,
  }
}
