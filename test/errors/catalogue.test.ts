import t from 'tap'
import { ERRORS, type ErrorCode } from '../../src/errors/catalogue.js'
import { KeypoolError } from '../../src/errors/keypool-error.js'

type Detail = Record<string, unknown> & { '@type': string }

function detailsOf(error: KeypoolError): Detail[] {
  return error.toGoogleBody().error.details as Detail[]
}

function detail(error: KeypoolError, type: string): Detail | undefined {
  return detailsOf(error).find((d) => d['@type'] === `type.googleapis.com/google.rpc.${type}`)
}

/** Design section 7: HTTP status and Google status of every case keypool answers itself. */
const DESIGN_TABLE: Record<ErrorCode, [number, string]> = {
  KP_ERR_QUEUE_FULL: [429, 'RESOURCE_EXHAUSTED'],
  KP_ERR_WAIT_TOO_LONG: [429, 'RESOURCE_EXHAUSTED'],
  // Every attempt met upstream 429s: keypool's own 429, the "wait longer than allowed" row.
  KP_ERR_UPSTREAM_RATE_LIMITED: [429, 'RESOURCE_EXHAUSTED'],
  KP_ERR_REQUEST_TOO_LARGE: [429, 'RESOURCE_EXHAUSTED'],
  KP_ERR_CLIENT_RPD: [429, 'RESOURCE_EXHAUSTED'],
  KP_ERR_CLIENT_RPM: [429, 'RESOURCE_EXHAUSTED'],
  KP_ERR_NO_TOKEN: [403, 'PERMISSION_DENIED'],
  KP_ERR_BAD_TOKEN: [400, 'INVALID_ARGUMENT'],
  KP_ERR_BAD_HEADER: [400, 'INVALID_ARGUMENT'],
  KP_ERR_BODY_TOO_LARGE: [413, 'INVALID_ARGUMENT'],
  KP_ERR_NOT_FOUND: [404, 'NOT_FOUND'],
  KP_ERR_MIXED_PROJECTS: [400, 'FAILED_PRECONDITION'],
  KP_ERR_UNKNOWN_UPLOAD: [404, 'NOT_FOUND'],
  // GET /keypool/requests/{id} for a call that is not waiting: the "unknown route" row.
  KP_ERR_UNKNOWN_REQUEST: [404, 'NOT_FOUND'],
  KP_ERR_ADMIN_AUTH: [401, 'UNAUTHENTICATED'],
  KP_ERR_NO_KEY: [503, 'UNAVAILABLE'],
  KP_ERR_UPSTREAM_UNREACHABLE: [503, 'UNAVAILABLE'],
  KP_ERR_SHUTTING_DOWN: [503, 'UNAVAILABLE'],
  KP_ERR_ANSWER_LOST: [502, 'UNKNOWN'],
  KP_ERR_QUEUE_TIMEOUT: [504, 'DEADLINE_EXCEEDED'],
  KP_ERR_UPSTREAM_TIMEOUT: [504, 'DEADLINE_EXCEEDED'],
  KP_ERR_INTERNAL: [500, 'INTERNAL'],
}

/** The quotaIds design section 7 names for keypool's own 429s. */
const QUOTA_IDS: Partial<Record<ErrorCode, string>> = {
  KP_ERR_QUEUE_FULL: 'keypool.QueueFull',
  KP_ERR_WAIT_TOO_LONG: 'keypool.WaitTooLong',
  KP_ERR_UPSTREAM_RATE_LIMITED: 'keypool.WaitTooLong',
  KP_ERR_REQUEST_TOO_LARGE: 'keypool.RequestTooLarge',
  KP_ERR_CLIENT_RPD: 'keypool.ClientRequestsPerDay',
  KP_ERR_CLIENT_RPM: 'keypool.ClientRequestsPerMinute',
}

const CODES = Object.keys(ERRORS) as ErrorCode[]

/** A value for every `{name}` a template holds. */
function paramsFor(code: ErrorCode): Record<string, string> {
  const names = [...ERRORS[code].message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
  return Object.fromEntries(names.map((name) => [name, `<${name}>`]))
}

void t.test('every catalogue code is in the design table with the same statuses', (t) => {
  t.same(CODES.slice().sort(), Object.keys(DESIGN_TABLE).sort())
  for (const code of CODES) {
    const error = new KeypoolError(code, paramsFor(code))
    const [http, status] = DESIGN_TABLE[code]
    t.equal(error.httpStatus, http, code)
    t.equal(error.toGoogleBody().error.status, status, code)
  }
  t.end()
})

void t.test('every catalogue code produces a valid Google error body', (t) => {
  for (const code of CODES) {
    const error = new KeypoolError(code, paramsFor(code), 2)
    const parsed = JSON.parse(JSON.stringify(error.toGoogleBody())) as {
      error: { code: number; message: string; status: string; details: Detail[] }
    }
    t.same(Object.keys(parsed), ['error'], code)
    t.equal(parsed.error.code, error.httpStatus, code)
    t.ok(parsed.error.message.startsWith('keypool'), code)
    t.notMatch(parsed.error.message, /\{\w+\}/, `${code}: every placeholder filled`)
    t.ok(parsed.error.details.length > 0, code)
    for (const d of parsed.error.details) {
      t.match(d['@type'], /^type\.googleapis\.com\/google\.rpc\.[A-Za-z]+$/, code)
    }
  }
  t.end()
})

void t.test('every error carries an ErrorInfo of domain keypool with its reason', (t) => {
  for (const code of CODES) {
    const info = detail(new KeypoolError(code, paramsFor(code)), 'ErrorInfo')
    t.match(info, { domain: 'keypool', reason: ERRORS[code].reason, metadata: { code } }, code)
    t.match(info?.reason, /^[A-Z][A-Z_]+$/, code)
  }
  t.end()
})

void t.test('keypool own 429s carry a QuotaFailure with their quotaId', (t) => {
  for (const code of CODES) {
    const failure = detail(new KeypoolError(code, paramsFor(code)), 'QuotaFailure')
    const quotaId = QUOTA_IDS[code]
    if (quotaId) t.match(failure, { violations: [{ quotaId }] }, code)
    else t.equal(failure, undefined, `${code} has no QuotaFailure`)
  }
  t.end()
})
