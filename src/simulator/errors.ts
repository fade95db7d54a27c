/**
 * Google's error bodies, in the envelope of gemini-wire.md section 3.1. Messages are Google's own
 * texts where the wire notes quote them.
 */

export const SERVICE = 'generativelanguage.googleapis.com'
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] }
}

/** An HTTP status with the body that goes with it; a class so that `instanceof` tells it apart. */
export class ErrorReply {
  // A private member makes the type nominal: a look-alike object literal is not an ErrorReply.
  declare private readonly nominal: never
  readonly status: number
  readonly body: GoogleErrorBody

  constructor(status: number, body: GoogleErrorBody) {
    this.status = status
    this.body = body
  }
}

export function googleError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): ErrorReply {
  const error: GoogleErrorBody['error'] = { code, message, status }
  if (details) error.details = details
  return new ErrorReply(code, { error })
}

/** 400 for a key Google does not know (wire section 3.3), byte for byte in shape. */
export function apiKeyInvalid(): ErrorReply {
  const message = 'API key not valid. Please pass a valid API key.'
  return googleError(400, 'INVALID_ARGUMENT', message, [
    {
      '@type': ERROR_INFO,
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: SERVICE },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ])
}

/** 401 for a Bearer token on a native route (wire sections 2.1, 3.4). */
export function accessTokenUnsupported(rpcMethod: string): ErrorReply {
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie ' +
    'or other valid authentication credential. See ' +
    'https://developers.google.com/identity/sign-in/web/devconsole-project.'
  return googleError(401, 'UNAUTHENTICATED', message, [
    {
      '@type': ERROR_INFO,
      reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
      domain: 'googleapis.com',
      metadata: { method: rpcMethod, service: SERVICE },
    },
  ])
}

/** 401 for an API key sent together with a Bearer token. */
export function overloadedCredentials(rpcMethod: string): ErrorReply {
  const message = 'The API key cannot be used together with other authentication credentials.'
  return googleError(401, 'UNAUTHENTICATED', message, [
    {
      '@type': ERROR_INFO,
      reason: 'OVERLOADED_CREDENTIALS',
      domain: 'googleapis.com',
      metadata: { method: rpcMethod, service: SERVICE },
    },
  ])
}

/** 403 for a call with no credential at all. */
export function missingKey(): ErrorReply {
  return googleError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). " +
      'Please use API Key or other form of API consumer identity to call this API.',
  )
}

/** 404 for a model that does not exist or does not support the method (wire section 3.6). */
export function modelNotFound(model: string, version: string, method: string): ErrorReply {
  return googleError(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. ` +
      'Call ListModels to see the list of available models and their supported methods.',
  )
}

export type ResourceKind = 'File' | 'CachedContent' | 'Batch' | 'Interaction' | 'AuthToken'

/** 403 for a resource of another project, or one that no longer exists (wire section 3.5). */
export function resourceDenied(kind: ResourceKind, id: string): ErrorReply {
  return googleError(
    403,
    'PERMISSION_DENIED',
    `You do not have permission to access the ${kind} ${id} or it may not exist.`,
  )
}

export function invalidJson(): ErrorReply {
  return invalidArgument('Invalid JSON payload received. Unexpected token.')
}

export function invalidArgument(message: string): ErrorReply {
  return googleError(400, 'INVALID_ARGUMENT', message)
}

export function notFound(message = 'Requested entity was not found.'): ErrorReply {
  return googleError(404, 'NOT_FOUND', message)
}
