export { DEFAULT_AGING_STEP_MS } from './ageing.js'
export { FairQueue, type FairQueueOptions } from './fair-queue.js'
export {
  HeldBytesLimit,
  QueueLimits,
  type Admission,
  type QueueLimitName,
  type QueueLimitsOptions,
} from './limits.js'
export type { EnqueueOptions, QueueEntry } from './queue-entry.js'
