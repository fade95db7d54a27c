export { startSimulator } from './server.js'
export { SIM_KEYS, projectNumber } from './keys.js'
export { STATUS_PRESETS, type StatusPreset } from './fault-presets.js'
export type { Fault, FaultBook, FaultKind, FaultLife, FaultMatch } from './faults.js'
export type {
  SimCall,
  SimKey,
  SimLimit,
  SimLimits,
  SimOperation,
  SimUsage,
  SimUsageTier,
  Simulator,
  SimulatorOptions,
} from './types.js'
