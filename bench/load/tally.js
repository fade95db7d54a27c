import { LatencyLog } from './latency-log.js'

/**
 * One (scenario, target) pair summed over its rounds: requests served, time, CPU time of the
 * measured process, its latest RSS. CPU per request divides the process's own CPU time by the
 * requests it served, which stays comparable when the cores are shared (perf-anchors.md).
 */
export class Tally {
  served = 0
  errors = 0
  elapsedS = 0
  cpuUs = 0
  rssBytes = 0
  latencies = new LatencyLog()

  add(sample) {
    this.served += sample.served
    this.errors += sample.errors
    this.elapsedS += sample.elapsedS
    this.cpuUs += sample.cpuUs
    this.rssBytes = Math.max(this.rssBytes, sample.rssBytes)
    this.latencies.addAll(sample.latencies)
  }

  get requestsPerSecond() {
    return this.served / this.elapsedS
  }

  get cpuPerRequestUs() {
    return this.cpuUs / this.served
  }

  get rssMb() {
    return this.rssBytes / 1024 / 1024
  }

  percentile(p) {
    return this.latencies.percentile(p)
  }
}
