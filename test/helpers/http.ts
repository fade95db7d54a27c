/** Plain HTTP calls the way the SDKs put them on the wire (gemini-wire §2), for tests. */

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: any
}

export async function send(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers }
  if (init.key !== undefined) headers['x-goog-api-key'] = init.key
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body)
  const res = await fetch(url + path, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** A generateContent call for `model` with a prompt of `text`. */
export function generate(
  url: string,
  model: string,
  text = 'hello',
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(url, `/v1beta/models/${model}:generateContent`, {
    body: { contents: [{ role: 'user', parts: [{ text }] }] },
    headers,
    key: headers['x-goog-api-key'] ?? 'client',
  })
}
