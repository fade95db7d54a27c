/**
 * Live API sessions open per project and session group (design section 3: a project may hold
 * `liveSessions` at once). A slot is taken when a session opens upstream and given back when
 * it closes. Counts exist only while sessions are open, so the map is bounded by them.
 * In memory: several replicas would share these counts through the state store (section 11).
 */
export class LiveSessions {
  readonly #open = new Map<string, number>()

  /** Takes a slot when fewer than `max` are open; false when the project is at its limit. */
  tryOpen(project: string, group: string, max: number): boolean {
    const name = slotName(project, group)
    const open = this.#open.get(name) ?? 0
    if (open >= max) return false
    this.#open.set(name, open + 1)
    return true
  }

  close(project: string, group: string): void {
    const name = slotName(project, group)
    const open = this.#open.get(name) ?? 0
    if (open <= 1) this.#open.delete(name)
    else this.#open.set(name, open - 1)
  }

  /** Sessions open in a project, all groups together. */
  openIn(project: string): number {
    let total = 0
    const prefix = `${project}\u0000`
    for (const [name, open] of this.#open) if (name.startsWith(prefix)) total += open
    return total
  }
}

function slotName(project: string, group: string): string {
  return `${project}\u0000${group}`
}
