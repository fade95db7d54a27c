/**
 * Every latency of a run, kept in full (a few hundred thousand doubles at most), so that
 * percentiles over several rounds are exact. autocannon's own histogram counts whole
 * milliseconds, too coarse for a target of 0.4 ms added at one connection.
 */
export class LatencyLog {
  #values = new Float64Array(1024)
  #count = 0
  #sorted = true

  get count() {
    return this.#count
  }

  add(ms) {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2)
      bigger.set(this.#values)
      this.#values = bigger
    }
    this.#values[this.#count++] = ms
    this.#sorted = false
  }

  addAll(other) {
    for (const ms of other.values()) this.add(ms)
  }

  values() {
    return this.#values.subarray(0, this.#count)
  }

  /** The value below which `p` percent of the latencies lie (nearest rank); NaN when empty. */
  percentile(p) {
    if (this.#count === 0) return NaN
    if (!this.#sorted) {
      this.values().sort()
      this.#sorted = true
    }
    const rank = Math.ceil((p / 100) * this.#count)
    return this.#values[Math.min(this.#count, Math.max(1, rank)) - 1]
  }
}
