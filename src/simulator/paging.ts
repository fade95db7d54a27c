/**
 * List pagination as Google does it: `pageSize` (clamped to the method's maximum) and an opaque
 * `pageToken`, with `nextPageToken` while more remain.
 */

export interface Page<T> {
  items: T[]
  nextPageToken?: string
}

function offsetOf(token: string | null): number {
  if (!token) return 0
  const offset = Number(Buffer.from(token, 'base64url').toString())
  return Number.isInteger(offset) && offset >= 0 ? offset : 0
}

export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  sizes: { default: number; max: number },
): Page<T> {
  const asked = Number(query.get('pageSize') ?? query.get('page_size') ?? 0)
  const size = asked > 0 ? Math.min(asked, sizes.max) : sizes.default
  const start = offsetOf(query.get('pageToken') ?? query.get('page_token'))
  const page: Page<T> = { items: items.slice(start, start + size) }
  const next = start + size
  if (next < items.length) page.nextPageToken = Buffer.from(String(next)).toString('base64url')
  return page
}
