/** `--seed N` replays the same traffic plan: which client asks when, which answers stream. */
export { seededRandom } from '../util/random.js'

/** Shuffles `items` in place (Fisher-Yates) with the given source, and returns them. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const held = items[i]!
    items[i] = items[j]!
    items[j] = held
  }
  return items
}
