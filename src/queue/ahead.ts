import { ageingBonus, outranks, type LevelRank } from './ageing.js'
import type { ProjectedTurn } from './client-lane.js'
import { turnPrecedes, type PriorityLevel } from './priority-level.js'
import type { WaitingCall } from './queue-entry.js'

/**
 * How many calls would be served before `target` if the queue were drained at `now` with no
 * new arrivals. O(n) in the calls waiting: it serves a rare status route, so it may scan, but
 * it does not simulate the drain.
 *
 * Why counting is enough. Within a level the drain order is fixed: calls sorted by projected
 * turn, whatever the other levels do. A level's rank only falls as it drains (its oldest
 * remaining call can only get younger), so always taking the best-ranked level serves the
 * calls in descending order of the rank their level holds as each is served. Hence a call of
 * another level goes first exactly when its level, at that point of its own drain, outranks
 * the target's level at the target's turn; and since that rank falls along the drain, those
 * calls form a prefix of the other level's order, ending at its last call old enough to
 * earn the rank.
 */
export function countAhead<T>(
  target: WaitingCall<T>,
  home: PriorityLevel<T>,
  levels: Iterable<PriorityLevel<T>>,
  now: number,
  agingStepMs: number,
): number {
  const homeTurns = home.projectedTurns()
  const targetTurn = homeTurns.find((turn) => turn.call === target)
  if (!targetTurn) return 0

  let ahead = 0
  let bestBonus = 0
  for (const turn of homeTurns) {
    if (turnPrecedes(turn, targetTurn)) ahead++
    else bestBonus = Math.max(bestBonus, ageingBonus(turn.call.enqueuedAt, now, agingStepMs))
  }
  const targetRank: LevelRank = { priority: home.priority, effective: home.priority + bestBonus }

  for (const level of levels) {
    if (level !== home) ahead += countOutranking(level, targetRank, now, agingStepMs)
  }
  return ahead
}

/** The calls of `level` served while the level still outranks `rank`. */
function countOutranking<T>(
  level: PriorityLevel<T>,
  rank: LevelRank,
  now: number,
  agingStepMs: number,
): number {
  const turns = level.projectedTurns()
  let lastOutranking: ProjectedTurn<T> | undefined
  for (const turn of turns) {
    const bonus = ageingBonus(turn.call.enqueuedAt, now, agingStepMs)
    const levelRank = { priority: level.priority, effective: level.priority + bonus }
    if (!outranks(levelRank, rank)) continue
    if (!lastOutranking || turnPrecedes(lastOutranking, turn)) lastOutranking = turn
  }
  if (!lastOutranking) return 0

  const last = lastOutranking
  return turns.filter((turn) => !turnPrecedes(last, turn)).length
}
