/** Model-name globs (`gemini-2.5-pro*`, `gemini-?.?-flash`): `*` any run, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`)
}

export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?')
}
