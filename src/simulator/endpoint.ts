import type { Call } from './call.js'
import type { SimOperation } from './types.js'

/** What the dispatcher needs to know about a route before it runs the handler. */
export interface Endpoint {
  readonly operation: SimOperation
  readonly handle: (call: Call) => void | Promise<void>
  /**
   * Where the model is named: in the path (`models/{m}:verb`) or the JSON body (OpenAI routes);
   * absent for calls that name none.
   */
  readonly modelFrom?: 'path' | 'body'
  /** Google's method name for the 404 of an unknown or unsupporting model. */
  readonly modelMethod?: string
  readonly isStream?: boolean
  /** Streams when the JSON body says `"stream": true` (OpenAI chat completions). */
  readonly streamFromBody?: boolean
  /** The handler reads the request body itself, as a stream (uploads). */
  readonly streamsBody?: boolean
  /** Needs no API key: an upload URL is its own credential (gemini-wire.md section 1.4). */
  readonly isCapability?: boolean
}

/** An endpoint that names no model. */
export function plain(handle: Endpoint['handle'], extra: Partial<Endpoint> = {}): Endpoint {
  return { operation: 'other', handle, ...extra }
}
