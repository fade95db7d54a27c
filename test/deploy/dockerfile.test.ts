import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startStack } from '../helpers/stack.js'

interface Stage {
  readonly from: string
  readonly name: string | undefined
  /** Instructions with their continuation lines joined, e.g. `RUN npm ci`. */
  readonly lines: readonly string[]
}

/** The Dockerfile's stages, with `ARG` defaults before the first FROM applied to base images. */
function stages(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n')
  const instructions = joined.map((line) => line.trim()).filter((l) => l && !l.startsWith('#'))
  const args = new Map<string, string>()
  const out: Array<{ from: string; name: string | undefined; lines: string[] }> = []
  for (const line of instructions) {
    const arg = /^ARG (\w+)=(\S+)$/.exec(line)
    if (arg && out.length === 0) args.set(arg[1]!, arg[2]!)
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(line)
    if (from) {
      const image = from[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '')
      out.push({ from: image, name: from[2], lines: [] })
    } else out.at(-1)?.lines.push(line)
  }
  return out
}

const dockerfile = readFileSync('Dockerfile', 'utf8')
const all = stages(dockerfile)
const build = all[0]!
const runtime = all.at(-1)!

t.test(
  'the Dockerfile builds in one stage and runs from another on a Node LTS slim image',
  async (t) => {
    t.ok(all.length >= 2, `${all.length} stages`)
    for (const stage of all) t.match(stage.from, /^node:(22|24)-slim$/, stage.from)
    t.ok(build.lines.some((l) => /^RUN npm ci\b/.test(l) && !l.includes('--omit=dev')))
    t.ok(build.lines.some((l) => /^RUN npm run build\b/.test(l)))
    t.ok(runtime.lines.some((l) => l === `COPY --from=${build.name} /app/dist ./dist`))
  },
)

t.test('the runtime stage installs production dependencies only', async (t) => {
  const installs = runtime.lines.filter((l) => /\bnpm (ci|install|i)\b/.test(l))
  t.ok(installs.length > 0, 'it installs dependencies')
  for (const line of installs) t.match(line, /npm ci --omit=dev/, line)
  t.notOk(
    runtime.lines.some((l) => /^COPY --from=\S+ .*node_modules/.test(l)),
    'no node_modules copied from the build stage (it holds dev dependencies)',
  )
})

t.test('the runtime stage runs as a user other than root', async (t) => {
  const user = runtime.lines.filter((l) => l.startsWith('USER ')).at(-1)
  t.ok(user, 'a USER instruction')
  t.notMatch(user ?? '', /^USER (root|0)(:|$)/)
  const entry = runtime.lines.findIndex((l) => l.startsWith('ENTRYPOINT'))
  t.ok(runtime.lines.indexOf(user!) < entry, 'USER comes before the entrypoint')
})

t.test(
  'the health check asks /keypool/health with node, since slim images have no curl',
  async (t) => {
    const check = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))
    t.ok(check)
    t.match(check, /CMD \["node", "-e", ".*fetch\(/)
    const instructions = all.flatMap((stage) => stage.lines).join('\n')
    t.notMatch(instructions, /\bcurl\b|\bwget\b/, 'no curl or wget is run')
    t.match(
      runtime.lines.join('\n'),
      /KEYPOOL_HEALTH_URL=http:\/\/127\.0\.0\.1:8787\/keypool\/health/,
    )
  },
)

t.test('the config is read from /etc/keypool/keypool.yaml', async (t) => {
  t.match(runtime.lines.join('\n'), /KEYPOOL_CONFIG=\/etc\/keypool\/keypool\.yaml/)
  t.ok(runtime.lines.includes('COPY config/keypool.docker.yaml /etc/keypool/keypool.yaml'))
  t.ok(runtime.lines.includes('ENTRYPOINT ["node", "dist/cli/main.js"]'))
})

t.test(
  '.dockerignore keeps secrets, dependencies and tests out of the build context',
  async (t) => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n')
    for (const entry of ['node_modules', '.env', 'dist', 'test', '.git', '*.key']) {
      t.ok(ignored.includes(entry), entry)
    }
    t.ok(ignored.includes('!config/keypool.docker.yaml'), 'the docker config stays in')
  },
)

t.test('the health check command exits 0 against a live keypool and 1 without one', async (t) => {
  const check = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))!
  const argv = JSON.parse(/CMD (\[.*\])$/.exec(check)![1]!) as string[]
  const stack = await startStack(t)
  // Asynchronously: keypool runs in this process and must answer while the child waits.
  const run = (url: string) =>
    new Promise<number | null>((resolve) => {
      const env = { ...process.env, KEYPOOL_HEALTH_URL: url }
      spawn(argv[0]!, argv.slice(1), { env, stdio: 'ignore' }).on('exit', resolve)
    })
  t.equal(await run(`${stack.url}/keypool/health`), 0)
  t.equal(await run(`${stack.url}/keypool/no-such-route`), 1)
  t.equal(await run('http://127.0.0.1:1/keypool/health'), 1, 'nothing listens on port 1')
})
