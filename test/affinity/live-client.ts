import { WebSocket, type ClientOptions } from 'ws'

/** A Live API client on the bare `ws` library, the way Python talks: key in a header. */

export const LIVE_PATH =
  '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent'

export interface RawLive {
  readonly ws: WebSocket
  readonly messages: Array<Record<string, any>>
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>
  /** Sends the setup and resolves when `setupComplete` arrives (or rejects on close). */
  setup(model: string): Promise<void>
  /** Sends a text turn and resolves with the model's text once the turn completes. */
  ask(text: string): Promise<string>
}

/** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
export function openLive(url: string, options: ClientOptions = {}): Promise<RawLive> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options)
    const messages: Array<Record<string, any>> = []
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      ws.on('close', (code, reason) => done({ code, reason: reason.toString('utf8') }))
    })
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))))
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        ),
      )
    })
    ws.once('error', reject)
    ws.once('open', () => resolve({ ws, messages, closed, setup, ask }))

    function until(check: () => boolean): Promise<void> {
      return new Promise((done, fail) => {
        const poll = setInterval(() => {
          if (check()) {
            clearInterval(poll)
            done()
          } else if (ws.readyState === WebSocket.CLOSED) {
            clearInterval(poll)
            fail(new Error('closed'))
          }
        }, 2)
      })
    }

    function setup(model: string): Promise<void> {
      ws.send(JSON.stringify({ setup: { model: `models/${model}` } }))
      return until(() => messages.some((m) => m.setupComplete))
    }

    async function ask(text: string): Promise<string> {
      const before = messages.length
      const turns = [{ role: 'user', parts: [{ text }] }]
      ws.send(JSON.stringify({ clientContent: { turns, turnComplete: true } }))
      await until(() => messages.slice(before).some((m) => m.serverContent?.turnComplete))
      return messages
        .slice(before)
        .flatMap((m) => m.serverContent?.modelTurn?.parts ?? [])
        .map((part: { text?: string }) => part.text ?? '')
        .join('')
    }
  })
}
