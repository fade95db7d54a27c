import type { Call } from './call.js'
import {
  accessTokenUnsupported,
  apiKeyInvalid,
  missingKey,
  overloadedCredentials,
  type ErrorReply,
} from './errors.js'

/**
 * Credentials as Google reads them (gemini-wire.md section 2.1): native routes take
 * `x-goog-api-key` or `?key=` and refuse a Bearer token; the OpenAI routes take the key as a
 * Bearer token.
 */

const VERB_WORDS: Readonly<Record<string, string>> = {
  GET: 'Get',
  POST: 'Create',
  PATCH: 'Update',
  DELETE: 'Delete',
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/** The RPC method name Google puts in ErrorInfo metadata, close enough for the simulator. */
function rpcMethod(call: Call): string {
  const { version, verb, segments } = call.route
  const prefix = `google.ai.generativelanguage.${version}`
  if (verb) return `${prefix}.GenerativeService.${capitalize(verb)}`
  const collection = capitalize(segments[0] ?? 'models')
  return `${prefix}.${collection}Service.${VERB_WORDS[call.req.method ?? 'GET'] ?? 'Get'}`
}

function bearerOf(call: Call): string | undefined {
  const header = call.req.headers.authorization
  if (header === undefined) return undefined
  return header.startsWith('Bearer ') ? header.slice(7).trim() : header
}

function credentialOf(call: Call): string | ErrorReply {
  const headerKey = call.req.headers['x-goog-api-key']
  const key = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? call.route.query.get('key')
  const bearer = bearerOf(call)

  if (call.route.api === 'openai') {
    const credential = bearer ?? key
    return credential === undefined || credential === null ? missingKey() : credential
  }
  if (bearer !== undefined) {
    return key === undefined || key === null
      ? accessTokenUnsupported(rpcMethod(call))
      : overloadedCredentials(rpcMethod(call))
  }
  return key === undefined || key === null || key === '' ? missingKey() : key
}

/** Identifies the caller, or returns the error Google would answer. */
export function authenticate(call: Call): ErrorReply | null {
  const credential = credentialOf(call)
  if (typeof credential !== 'string') return credential
  call.key = credential
  const record = call.sim.keys.find(credential)
  if (!record) return apiKeyInvalid()
  call.project = record.project
  call.tier = record.usageTier
  return null
}
