/** Reading Prometheus' text format back, and talking to a keypool the way Prometheus does. */

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Scrape {
  /** Metric name → its `# TYPE` (counter, gauge, histogram, …). */
  readonly types: ReadonlyMap<string, string>
  readonly samples: readonly Sample[]
  readonly text: string
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseScrape(text: string): Scrape {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) types.set(type[1]!, type[2]!)
    if (line === '' || line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    if (!match) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return { types, samples, text }
}

/** The metric a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` count as it. */
export function metricOf(sampleName: string, types: ReadonlyMap<string, string>): string {
  const base = sampleName.replace(/_(bucket|sum|count)$/, '')
  return base !== sampleName && types.get(base) === 'histogram' ? base : sampleName
}

/** GET /metrics of a keypool, with the admin token when given. */
export async function scrape(url: string, adminToken?: string): Promise<Scrape> {
  const headers = adminToken ? { authorization: `Bearer ${adminToken}` } : undefined
  const response = await fetch(`${url}/metrics`, { headers })
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`)
  return parseScrape(await response.text())
}

/** Samples of one metric (histograms by their `_count`, which carries the metric's labels). */
export function samplesOf(s: Scrape, name: string): Sample[] {
  const sampleName = s.types.get(name) === 'histogram' ? `${name}_count` : name
  return s.samples.filter((sample) => sample.name === sampleName)
}
