/**
 * Every error keypool makes itself, in one table: a stable code, the HTTP status, Google's
 * status name, the ErrorInfo reason and a message template. Bodies always take Google's shape
 * (design section 7) so that SDK error handling works unchanged.
 */

export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'UNKNOWN'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL'

interface CatalogueEntry {
  readonly http: number
  readonly status: GoogleStatus
  readonly reason: string
  /** `quotaId` of the QuotaFailure detail, for keypool's own 429s. */
  readonly quotaId?: string
  readonly message: string
}

export const ERRORS = {
  KP_ERR_QUEUE_FULL: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'QUEUE_FULL',
    quotaId: 'keypool.QueueFull',
    message:
      'keypool: the queue of pool "{pool}" is full ({depth} calls waiting). Retry in {retry}.',
  },
  KP_ERR_WAIT_TOO_LONG: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'WAIT_TOO_LONG',
    quotaId: 'keypool.WaitTooLong',
    message:
      'keypool: no key can serve model "{model}" within the allowed wait of {allowed}; the earliest is in {retry}.',
  },
  KP_ERR_UPSTREAM_RATE_LIMITED: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'UPSTREAM_RATE_LIMITED',
    quotaId: 'keypool.WaitTooLong',
    message:
      'keypool: all {attempts} attempts for model "{model}" met the upstream\'s rate limits; the earliest budget frees in {retry}.',
  },
  KP_ERR_REQUEST_TOO_LARGE: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'REQUEST_TOO_LARGE',
    quotaId: 'keypool.RequestTooLarge',
    message:
      'keypool: this call costs {cost} {limit} units but the whole {limit} limit of model "{model}" is {max}; it can never be sent.',
  },
  KP_ERR_CLIENT_RPD: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'CLIENT_REQUESTS_PER_DAY',
    quotaId: 'keypool.ClientRequestsPerDay',
    message:
      'keypool: client "{client}" has used its {limit} requests for today. Retry in {retry}.',
  },
  KP_ERR_CLIENT_RPM: {
    http: 429,
    status: 'RESOURCE_EXHAUSTED',
    reason: 'CLIENT_REQUESTS_PER_MINUTE',
    quotaId: 'keypool.ClientRequestsPerMinute',
    message:
      'keypool: client "{client}" is over its {limit} requests per minute. Retry in {retry}.',
  },
  KP_ERR_NO_TOKEN: {
    http: 403,
    status: 'PERMISSION_DENIED',
    reason: 'CLIENT_TOKEN_MISSING',
    message:
      'keypool: this call carries no client token. Send it where the SDK puts an API key (x-goog-api-key, ?key= or Authorization: Bearer).',
  },
  KP_ERR_BAD_TOKEN: {
    http: 400,
    status: 'INVALID_ARGUMENT',
    reason: 'API_KEY_INVALID',
    message: 'keypool: API key not valid. Please pass a valid keypool client token.',
  },
  KP_ERR_BAD_HEADER: {
    http: 400,
    status: 'INVALID_ARGUMENT',
    reason: 'BAD_HEADER',
    message: 'keypool: header {header} {problem}.',
  },
  KP_ERR_BODY_TOO_LARGE: {
    http: 413,
    status: 'INVALID_ARGUMENT',
    reason: 'BODY_TOO_LARGE',
    message: 'keypool: the request body exceeds server.maxBodySize ({max}).',
  },
  KP_ERR_NOT_FOUND: {
    http: 404,
    status: 'NOT_FOUND',
    reason: 'UNKNOWN_ROUTE',
    message: 'keypool: no route for {method} {path}.',
  },
  KP_ERR_UNKNOWN_REQUEST: {
    http: 404,
    status: 'NOT_FOUND',
    reason: 'UNKNOWN_REQUEST',
    message:
      'keypool: no waiting call "{id}" of yours: it may have been served already, or never waited.',
  },
  KP_ERR_MIXED_PROJECTS: {
    http: 400,
    status: 'FAILED_PRECONDITION',
    reason: 'RESOURCES_IN_SEVERAL_PROJECTS',
    message:
      'keypool: this call names resources of different projects ({resources}); no single key can see them all.',
  },
  KP_ERR_UNKNOWN_UPLOAD: {
    http: 404,
    status: 'NOT_FOUND',
    reason: 'UNKNOWN_UPLOAD',
    message: 'keypool: no upload session with this upload_id was started through keypool.',
  },
  KP_ERR_ADMIN_AUTH: {
    http: 401,
    status: 'UNAUTHENTICATED',
    reason: 'ADMIN_TOKEN_REQUIRED',
    message: 'keypool: this route needs the admin token (Authorization: Bearer <admin.token>).',
  },
  KP_ERR_NO_KEY: {
    http: 503,
    status: 'UNAVAILABLE',
    reason: 'NO_USABLE_KEY',
    message:
      'keypool: no usable key in pool "{pool}" ({detail}). Nothing was sent upstream; retrying is safe.',
  },
  KP_ERR_UPSTREAM_UNREACHABLE: {
    http: 503,
    status: 'UNAVAILABLE',
    reason: 'UPSTREAM_UNREACHABLE',
    message:
      'keypool: the upstream could not be reached ({detail}). Nothing was received; retrying is safe.',
  },
  KP_ERR_SHUTTING_DOWN: {
    http: 503,
    status: 'UNAVAILABLE',
    reason: 'SHUTTING_DOWN',
    message: 'keypool is shutting down. Retry in {retry}.',
  },
  KP_ERR_ANSWER_LOST: {
    http: 502,
    status: 'UNKNOWN',
    reason: 'UPSTREAM_ANSWER_LOST',
    message:
      'keypool: the call was sent upstream but its answer was lost ({detail}); it may have been billed, so keypool did not resend it.',
  },
  KP_ERR_QUEUE_TIMEOUT: {
    http: 504,
    status: 'DEADLINE_EXCEEDED',
    reason: 'QUEUE_TIMEOUT',
    message: 'keypool: the call waited {waited} in the queue and its deadline passed.',
  },
  KP_ERR_UPSTREAM_TIMEOUT: {
    http: 504,
    status: 'DEADLINE_EXCEEDED',
    reason: 'UPSTREAM_TIMEOUT',
    message: 'keypool: the upstream sent no answer within server.requestTimeout ({timeout}).',
  },
  KP_ERR_INTERNAL: {
    http: 500,
    status: 'INTERNAL',
    reason: 'INTERNAL',
    message: 'keypool: internal error ({detail}).',
  },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof ERRORS
