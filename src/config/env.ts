import { parse, type Document, type Scalar } from 'yaml'
import type { RawIssue } from './errors.js'
import { walkScalars } from './yaml-source.js'

/**
 * `${VAR}` and `${VAR:-default}` in string values (design section 3). `$${` writes a literal
 * `${`. A default applies when the variable is unset or empty, as in the shell.
 */
const REFERENCE = /\$\$\{|\$\{([^}]*)(\})?/g
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s

type Expansion = { text: string } | { problem: string }

/** Replaces references in every string scalar of the document, in place. */
export function substituteEnv(doc: Document.Parsed, env: NodeJS.ProcessEnv): RawIssue[] {
  const issues: RawIssue[] = []

  walkScalars(doc.contents, [], (scalar, path) => {
    if (typeof scalar.value !== 'string' || !scalar.value.includes('${')) return
    const problems: string[] = []
    const text = expand(scalar.value, env, problems)
    for (const message of problems) issues.push({ path, message })
    if (problems.length === 0) scalar.value = retype(scalar, text)
  })
  return issues
}

/** The text with every reference replaced; problems found are pushed to `problems`. */
export function expand(text: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  return text.replace(REFERENCE, (whole, inner: string | undefined, close: string | undefined) => {
    if (whole === '$${') return '${'
    const result = expandOne(inner ?? '', close !== undefined, env)
    if ('problem' in result) {
      problems.push(result.problem)
      return whole
    }
    return result.text
  })
}

function expandOne(inner: string, isClosed: boolean, env: NodeJS.ProcessEnv): Expansion {
  const match = NAME_AND_DEFAULT.exec(inner)
  if (!isClosed || !match) {
    return { problem: `"\${${inner}" is not \${NAME} or \${NAME:-default} (write $\${ for "\${")` }
  }
  const [, name = '', fallback] = match
  const value = env[name]

  if (value !== undefined && value !== '') return { text: value }
  if (fallback !== undefined) return { text: fallback }
  if (value === '') return { text: '' }
  return {
    problem: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
  }
}

/**
 * An unquoted value reads as YAML would read the substituted text, so `rpm: ${RPM}` gives a
 * number and `allowAnonymous: ${OPEN}` a boolean; a quoted value always stays a string.
 */
function retype(scalar: Scalar, text: string): string | number | boolean {
  if (scalar.type !== 'PLAIN') return text
  try {
    const value: unknown = parse(text)
    return typeof value === 'number' || typeof value === 'boolean' ? value : text
  } catch {
    return text
  }
}
