import { KeypoolError } from '../errors/keypool-error.js'
import type { Pool } from './pool.js'
import type { ProjectGroup } from './project-group.js'

/** Each pool's groups by project, built once: a pinned call never scans the pool's keys. */
const byProject = new WeakMap<readonly ProjectGroup[], Map<string, ProjectGroup>>()

/**
 * The group of the project a call is pinned to (it names that project's resources). A pool
 * without a key of that project cannot serve the call: another project's key would get 403.
 */
export function pinnedGroup(
  groups: readonly ProjectGroup[],
  project: string,
  pool: Pool,
): ProjectGroup {
  let map = byProject.get(groups)
  if (!map) {
    map = new Map(groups.map((group) => [group.project, group]))
    byProject.set(groups, map)
  }
  const group = map.get(project)
  if (group) return group
  const detail = `no key of project "${project}", which holds the resources this call names`
  throw new KeypoolError('KP_ERR_NO_KEY', { pool: pool.name, detail })
}
