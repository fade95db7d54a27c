import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { loadConfigFile } from '../../src/config/load.js'

interface Service {
  image?: string
  build?: unknown
  environment?: Record<string, string>
  volumes?: string[]
  ports?: string[]
}

const read = (path: string): unknown => parse(readFileSync(path, 'utf8'))
const compose = read('docker-compose.yml') as { services: Record<string, Service> }
const { keypool, prometheus, grafana } = compose.services

/** A bind mount's container path for a host path, e.g. `./prometheus/prometheus.yml`. */
function mountOf(service: Service | undefined, host: string): string | undefined {
  const volume = service?.volumes?.find((v) => v.split(':')[0] === host)
  return volume?.split(':')[1]
}

t.test('compose runs keypool, Prometheus and Grafana', async (t) => {
  t.ok(keypool?.build, 'keypool is built from the Dockerfile')
  t.match(prometheus?.image, /^prom\/prometheus:v\d/)
  t.match(grafana?.image, /^grafana\/grafana:\d/)
})

t.test('every file compose mounts from the repository exists', async (t) => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const host = volume.split(':')[0]!
      if (host.startsWith('./')) t.ok(existsSync(host), `${name}: ${host}`)
    }
  }
})

t.test('compose mounts the docker config where the image reads it', async (t) => {
  const target = mountOf(keypool, './config/keypool.docker.yaml')
  t.equal(target, '/etc/keypool/keypool.yaml')
  t.equal(keypool?.environment?.KEYPOOL_CONFIG, target)
  t.match(readFileSync('Dockerfile', 'utf8'), `KEYPOOL_CONFIG=${target}`)
})

t.test(
  'Prometheus scrapes /metrics of the keypool service on the port it listens on',
  async (t) => {
    const config = read('prometheus/prometheus.yml') as {
      scrape_configs: Array<{
        job_name: string
        metrics_path?: string
        static_configs: Array<{ targets: string[] }>
      }>
    }
    t.equal(mountOf(prometheus, './prometheus/prometheus.yml'), '/etc/prometheus/prometheus.yml')
    const job = config.scrape_configs.find((c) => c.job_name === 'keypool')
    t.equal(job?.metrics_path ?? '/metrics', '/metrics')
    const port = (await loadConfigFile('config/keypool.docker.yaml', { env: {} })).server.listen
      .split(':')
      .at(-1)
    t.same(job?.static_configs[0]?.targets, [`keypool:${port}`])
  },
)

t.test(
  'Grafana is provisioned with the Prometheus data source and the keypool dashboard',
  async (t) => {
    const sources = read('grafana/provisioning/datasources/prometheus.yml') as {
      datasources: Array<{ type: string; url: string; uid: string }>
    }
    t.match(sources.datasources[0], { type: 'prometheus', url: 'http://prometheus:9090' })
    const providers = read('grafana/provisioning/dashboards/keypool.yml') as {
      providers: Array<{ type: string; options: { path: string } }>
    }
    t.equal(mountOf(grafana, './grafana/provisioning'), '/etc/grafana/provisioning')
    t.equal(providers.providers[0]?.options.path, mountOf(grafana, './grafana/dashboards'))
    t.ok(existsSync('grafana/dashboards/keypool.json'))
  },
)

const hasPromtool = spawnSync('promtool', ['--version']).error === undefined
const noPromtool = hasPromtool ? false : 'promtool is not installed (Debian package prometheus)'

t.test('promtool accepts the scrape config', { skip: noPromtool }, async (t) => {
  const check = spawnSync('promtool', ['check', 'config', 'prometheus/prometheus.yml'], {
    encoding: 'utf8',
  })
  t.equal(check.status, 0, check.stdout + check.stderr)
})
