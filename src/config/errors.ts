/** One problem found in a config file, located by its YAML path and line. */
export interface ConfigIssue {
  /** Dotted YAML path with list indexes, e.g. `pools.generation.keys[2]`; '' for the file. */
  readonly path: string
  /** 1-based line in the file, when the path (or an ancestor of it) exists there. */
  readonly line?: number
  readonly message: string
}

/** A path as the loader walks it: map keys and list indexes. */
export type PathSegment = string | number

/** An issue before it is located in the file. */
export interface RawIssue {
  readonly path: readonly PathSegment[]
  readonly message: string
}

/** A config that cannot be used; its message lists every issue, one per line. */
export class ConfigError extends Error {
  readonly code = 'KP_ERR_CONFIG'
  /** The file (or other source) the issues are about, as the user named it. */
  readonly source: string
  readonly issues: readonly ConfigIssue[]

  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(source, issue)).join('\n'))
    this.name = 'ConfigError'
    this.source = source
    this.issues = issues
  }
}

/** `config/keypool.yaml:14 pools.generation.keys[2]: unknown key id "k9"` */
export function formatIssue(source: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? source : `${source}:${issue.line}`
  return issue.path === ''
    ? `${where}: ${issue.message}`
    : `${where} ${issue.path}: ${issue.message}`
}

/** `['pools', 'generation', 'keys', 2]` → `pools.generation.keys[2]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}
