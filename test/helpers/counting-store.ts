import { MemoryBudgetStore } from '../../src/state/memory-budget-store.js'

/** A memory store that counts how many budgets the scheduler looked at. */
export class CountingStore extends MemoryBudgetStore {
  reads = 0

  override nextFitAt(...args: Parameters<MemoryBudgetStore['nextFitAt']>): number {
    this.reads++
    return super.nextFitAt(...args)
  }

  override headroomIfFits(...args: Parameters<MemoryBudgetStore['headroomIfFits']>): number {
    this.reads++
    return super.headroomIfFits(...args)
  }
}
