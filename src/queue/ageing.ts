/**
 * Ageing: a waiting call gains one priority level per `agingStepMs` of waiting, so that the
 * lowest tier is never starved by a steady stream of higher ones.
 *
 * The bonus is granted to a priority level as a whole, from its oldest waiting call: a level
 * ranks at `priority + bonus(oldest call)`. Ageing single calls instead would let a heavy
 * client's old backlog overtake a light client's new call of the same priority, undoing the
 * fair turns within that priority. A level that wins by age serves its calls by fair turns,
 * so its oldest call is reached within one round of that level's clients.
 */

/** Used when the queue is built without `agingStepMs`; no config option sets it yet. */
export const DEFAULT_AGING_STEP_MS = 30_000

/** Whole steps waited so far; 0 for a call stamped in the future. */
export function ageingBonus(enqueuedAt: number, now: number, agingStepMs: number): number {
  return Math.floor(Math.max(0, now - enqueuedAt) / agingStepMs)
}

/** Where a priority level stands when the next call is chosen. */
export interface LevelRank {
  /** The level's own priority plus the ageing bonus of its oldest call. */
  readonly effective: number
  readonly priority: number
}

/** True when level `a` is served before level `b`: ties go to the higher own priority. */
export function outranks(a: LevelRank, b: LevelRank): boolean {
  if (a.effective !== b.effective) return a.effective > b.effective
  return a.priority > b.priority
}
