/** Plain HTTP calls to keypool, as an app would send them, for tests that read metrics. */

export interface CallOptions {
  /** The client token, sent where an SDK puts its API key. */
  token?: string
  model?: string
  stream?: boolean
  text?: string
}

export interface Answer {
  status: number
  text: string
}

export async function generate(url: string, options: CallOptions = {}): Promise<Answer> {
  const model = options.model ?? 'gemini-2.5-flash'
  const verb = options.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.token !== undefined) headers['x-goog-api-key'] = options.token
  const body = JSON.stringify({ contents: [{ parts: [{ text: options.text ?? 'Say hello' }] }] })
  const response = await fetch(`${url}/v1beta/models/${model}:${verb}`, {
    method: 'POST',
    headers,
    body,
  })
  return { status: response.status, text: await response.text() }
}

/** GET one of keypool's own routes, with `Authorization: Bearer` when a token is given. */
export async function getOwn(
  url: string,
  path: string,
  bearer?: string,
): Promise<{ status: number; text: string; json: unknown }> {
  const headers = bearer === undefined ? undefined : { authorization: `Bearer ${bearer}` }
  const response = await fetch(`${url}${path}`, { headers })
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json }
}
