import { startChild } from '../servers/child.js'
import { keypoolConfig, manyKeys, simulatorOptions } from './configs.js'

/**
 * The processes of a run: the simulator, the floor and keypool, each its own process; a target
 * is one of them as the load sees it (direct is the simulator itself). The extra keypools of
 * the scale runs start on demand.
 */
export async function startStack({ largeKeyCount, profileDir }) {
  const started = []
  const track = (child) => (started.push(child), child)
  const sim = track(await startChild('simulator', simulatorOptions(largeKeyCount)))
  const floor = track(
    await startChild(
      'floor',
      { upstream: sim.url },
      { execArgv: profileFlags(profileDir, 'floor') },
    ),
  )

  /** A keypool with the three-key config, or `keys` instead; profiled when asked. */
  const startKeypool = async (label, keys) => {
    const config = keypoolConfig(sim.url, keys)
    const child = await startChild(
      'keypool',
      { config },
      { execArgv: profileFlags(profileDir, label) },
    )
    return track(child)
  }
  const keypool = await startKeypool('keypool')

  return {
    sim,
    direct: { name: 'direct', url: sim.url, process: sim },
    floor: { name: 'floor', url: floor.url, process: floor },
    keypool: { name: 'keypool', url: keypool.url, process: keypool },
    startKeypool: async (name, keys) => {
      const child = await startKeypool(name.replace(/\W+/g, '-'), keys)
      return { name, url: child.url, process: child }
    },
    startWaiters: async (options) => track(await startChild('waiters', options)),
    /** A second floor that holds, unanswered, the calls whose path contains `holdPath`. */
    startHoldingFloor: async (name, holdPath) => {
      const execArgv = profileFlags(profileDir, 'held-floor')
      const child = await startChild('floor', { upstream: sim.url, holdPath }, { execArgv })
      return { name, url: child.url, process: track(child) }
    },
    largeKeys: () => manyKeys(largeKeyCount),
    stop: async () => {
      for (const child of started.reverse()) await child.stop()
    },
  }
}

function profileFlags(dir, label) {
  if (!dir) return []
  // One sample every 100 µs: a request costs a few hundred, the default 1 ms sees too little.
  const name = `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, name, '--cpu-prof-interval=100']
}
