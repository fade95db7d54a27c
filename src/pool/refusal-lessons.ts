import type { UpstreamVerdict } from '../gemini/upstream-error.js'
import { nextPacificMidnight } from '../limits/pacific-day.js'
import type { BudgetStore } from '../limits/store.js'
import type { KeypoolEvents } from '../observe/events.js'
import type { RuntimeKey } from './key.js'
import type { Lane, Slot } from './lane.js'

export interface LessonDeps {
  readonly store: BudgetStore
  readonly events: KeypoolEvents
  /** Told when a key is flagged, so that it can be probed back into rotation. */
  readonly onKeyFlagged: (key: RuntimeKey) => void
}

type RateLimitVerdict = Extract<UpstreamVerdict, { kind: 'cool' | 'cool-blind' | 'exhausted' }>

/**
 * What an upstream refusal teaches (design section 6's table): a dead key is disabled, a key
 * that may recover is flagged, a 429 rests the (project, model) budget it was sent under.
 * Server errors and the client's own mistakes teach nothing.
 */
export function learnFromRefusal<W>(
  deps: LessonDeps,
  key: RuntimeKey,
  slot: Slot | undefined,
  lane: Lane<W> | undefined,
  verdict: UpstreamVerdict,
  now: number,
): void {
  switch (verdict.kind) {
    case 'cool':
    case 'cool-blind':
    case 'exhausted':
      if (slot && lane) restBudget(deps, key, slot, lane, verdict, now)
      return
    case 'disable-key':
      if (key.state === 'disabled') return
      key.disable(verdict.reason, now)
      return deps.events.keyStateChanged({ key: key.id, state: 'disabled', reason: verdict.reason })
    case 'flag-key':
      if (key.state !== 'active') return
      key.flag(verdict.reason, now)
      deps.onKeyFlagged(key)
      return deps.events.keyStateChanged({ key: key.id, state: 'flagged', reason: verdict.reason })
    case 'server':
    case 'client':
      return
  }
}

/** Cools or parks the budget and puts its slot to sleep until the budget returns. */
function restBudget<W>(
  deps: LessonDeps,
  key: RuntimeKey,
  slot: Slot,
  lane: Lane<W>,
  verdict: RateLimitVerdict,
  now: number,
): void {
  const { project } = slot.group
  const model = slot.limits.budgetModel
  deps.events.upstreamRateLimited({ key: key.id, model, window: verdict.window })

  if (verdict.kind === 'exhausted') {
    void deps.store.penalise(project, slot.limits, { kind: 'day' }, now)
    const until = nextPacificMidnight(now)
    lane.sleep(slot, until)
    return deps.events.budgetStateChanged({ project, model, state: 'exhausted', until })
  }

  const penalty =
    verdict.kind === 'cool' && verdict.retryAfterMs !== undefined
      ? { kind: 'retry' as const, until: now + verdict.retryAfterMs }
      : { kind: 'bare' as const }
  void deps.store.penalise(project, slot.limits, penalty, now)
  const until = deps.store.nextFitAt(project, slot.limits, { requests: 1, tokens: 0 }, now)
  lane.sleep(slot, until)
  deps.events.budgetStateChanged({ project, model, state: 'cooling', until })
}
