import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Scalar,
} from 'yaml'
import type { ConfigIssue, PathSegment } from './errors.js'

/** A parsed YAML file that can say on which line a path sits. */
export interface YamlSource {
  readonly doc: Document.Parsed
  /** Syntax errors; when there are any, the document is not worth validating. */
  readonly issues: readonly ConfigIssue[]
  /** The line of the deepest part of `path` that exists in the file. */
  lineOf(path: readonly PathSegment[]): number | undefined
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter()
  // Merge keys (`<<: *defaults`) let a file share blocks; aliases stay bounded by the default
  // maxAliasCount, so a hostile file cannot expand without limit.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true })
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line

  // Only the first syntax error: the parser's later ones are mostly echoes of it.
  const issues = doc.errors.slice(0, 1).map((error) => ({
    path: '',
    line: lineAt(error.pos[0]),
    // Some messages quote the offending source text, which may be a secret: cut that part.
    message: `invalid YAML: ${error.message.replace(/: ".*"$/s, '')}`,
  }))
  return { doc, issues, lineOf: (path) => locate(doc, path, lineAt) }
}

/** Walks map keys and list items; for a map key the line is the key's, the line that names it. */
function locate(
  doc: Document.Parsed,
  path: readonly PathSegment[],
  lineAt: (offset: number | undefined) => number | undefined,
): number | undefined {
  let node: unknown = doc.contents
  let line = lineAt(doc.contents?.range[0])

  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc)
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      )
      if (!pair || !isScalar(pair.key)) return line
      line = lineAt(pair.key.range?.[0])
      node = pair.value
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment]
      if (!isScalar(item) && !isMap(item) && !isSeq(item) && !isAlias(item)) return line
      line = lineAt(item.range?.[0])
      node = item
    } else {
      return line
    }
  }
  return line
}

/** Calls `visit` for every scalar value (never a map key), with its path. */
export function walkScalars(
  node: unknown,
  path: readonly PathSegment[],
  visit: (scalar: Scalar, path: readonly PathSegment[]) => void,
): void {
  if (isScalar(node)) {
    visit(node, path)
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?'
      walkScalars(pair.value, [...path, key], visit)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walkScalars(item, [...path, index], visit))
  }
  // An alias is visited where its anchor is defined, so each scalar is substituted once.
}
