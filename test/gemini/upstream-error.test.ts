import t from 'tap'
import {
  classifyUpstreamError,
  parseGoogleError,
  projectNumberOf,
  quotaIdsOf,
  retryDelayMs,
} from '../../src/gemini/upstream-error.js'

/** Bodies as Google sends them (gemini-wire §3). */
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more ' +
  'information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.'

const HELP = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [
    {
      description: 'Learn more about Gemini API quotas',
      url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
    },
  ],
}

function violation(quotaId: string, metric = 'generate_content_free_tier_requests') {
  return {
    quotaMetric: `generativelanguage.googleapis.com/${metric}`,
    quotaId,
    quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
    quotaValue: '10',
  }
}

function quotaFailure(...quotaIds: string[]) {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: quotaIds.map((id) => violation(id)),
  }
}

function retryInfo(retryDelay: string) {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }
}

function body(code: number, status: string, message: string, details?: object[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } })
}

function tooMany(details: object[], message = QUOTA_MESSAGE): string {
  return body(429, 'RESOURCE_EXHAUSTED', message, details)
}

const PER_MINUTE = 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier'
const PER_DAY = 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
const TOKENS_PER_MINUTE = 'GenerateContentInputTokensPerModelPerMinute-FreeTier'

void t.test('a per-minute 429 cools with its retryDelay', (t) => {
  const verdict = classifyUpstreamError(
    429,
    tooMany([quotaFailure(PER_MINUTE), HELP, retryInfo('26s')]),
  )
  t.same(verdict, { kind: 'cool', window: 'minute', retryAfterMs: 26_000 })
  t.end()
})

void t.test('a fractional retryDelay keeps its fraction', (t) => {
  const verdict = classifyUpstreamError(
    429,
    tooMany([quotaFailure(PER_MINUTE), retryInfo('37.5s')]),
  )
  t.same(verdict, { kind: 'cool', window: 'minute', retryAfterMs: 37_500 })
  t.end()
})

void t.test('a nine-digit retryDelay is read to the microsecond', (t) => {
  const verdict = classifyUpstreamError(
    429,
    tooMany([quotaFailure(PER_MINUTE), retryInfo('45.837906927s')]),
  )
  t.equal(verdict.kind, 'cool')
  const ms = verdict.kind === 'cool' ? verdict.retryAfterMs : undefined
  t.ok(ms !== undefined && Math.abs(ms - 45_837.906927) < 1e-6, `got ${ms}`)
  t.end()
})

void t.test('a per-minute token quota cools like a request quota', (t) => {
  const verdict = classifyUpstreamError(
    429,
    tooMany([quotaFailure(TOKENS_PER_MINUTE), retryInfo('59s')]),
  )
  t.same(verdict, { kind: 'cool', window: 'minute', retryAfterMs: 59_000 })
  t.end()
})

void t.test('a per-minute 429 without RetryInfo cools with no known delay', (t) => {
  const verdict = classifyUpstreamError(429, tooMany([quotaFailure(PER_MINUTE)]))
  t.same(verdict, { kind: 'cool', window: 'minute', retryAfterMs: undefined })
  t.end()
})

void t.test('details in any order give the same verdict', (t) => {
  const parts = [quotaFailure(PER_MINUTE), HELP, retryInfo('11.665902715s')]
  const orders = [
    [0, 1, 2],
    [1, 0, 2],
    [2, 1, 0],
    [1, 2, 0],
  ]
  const verdicts = orders.map((order) =>
    classifyUpstreamError(429, tooMany(order.map((i) => parts[i]!))),
  )
  for (const verdict of verdicts) t.same(verdict, verdicts[0])
  t.equal(verdicts[0]!.kind, 'cool')
  t.end()
})

void t.test('a per-day 429 exhausts the budget until the Pacific midnight', (t) => {
  const verdict = classifyUpstreamError(
    429,
    tooMany([quotaFailure(PER_DAY), HELP, retryInfo('3s')]),
  )
  t.same(verdict, { kind: 'exhausted', window: 'day' })
  t.end()
})

void t.test('with several violations at once the per-day one wins', (t) => {
  const details = [HELP, quotaFailure(TOKENS_PER_MINUTE, PER_DAY, PER_MINUTE), retryInfo('26s')]
  t.same(classifyUpstreamError(429, tooMany(details)), { kind: 'exhausted', window: 'day' })
  t.end()
})

void t.test('a per-day violation in a second QuotaFailure still wins', (t) => {
  const details = [quotaFailure(PER_MINUTE), retryInfo('26s'), quotaFailure(PER_DAY)]
  t.same(classifyUpstreamError(429, tooMany(details)), { kind: 'exhausted', window: 'day' })
  t.end()
})

void t.test('a bare 429 without details cools blind', (t) => {
  const bare = body(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).')
  t.same(classifyUpstreamError(429, bare), { kind: 'cool-blind', window: 'other' })
  t.end()
})

void t.test('a 429 whose body is not JSON cools blind', (t) => {
  t.same(classifyUpstreamError(429, 'Too Many Requests'), { kind: 'cool-blind', window: 'other' })
  t.same(classifyUpstreamError(429, ''), { kind: 'cool-blind', window: 'other' })
  t.end()
})

void t.test('a 429 with limit: 0 cools blind, even beside per-day violations', (t) => {
  // The 2026 form (gemini-cli#22486): a model without free-tier quota lists its day and minute
  // quotas, each with limit 0.
  const message =
    `${QUOTA_MESSAGE}\n* Quota exceeded for metric: generativelanguage.googleapis.com/` +
    'generate_content_free_tier_input_token_count, limit: 0, model: gemini-2.5-pro\n' +
    '* Quota exceeded for metric: generativelanguage.googleapis.com/' +
    'generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro\n' +
    'Please retry in 25.465784708s.'
  const details = [
    quotaFailure(TOKENS_PER_MINUTE, PER_DAY, PER_MINUTE),
    HELP,
    retryInfo('25.465784708s'),
  ]
  t.same(classifyUpstreamError(429, tooMany(details, message)), {
    kind: 'cool-blind',
    window: 'other',
  })
  t.end()
})

void t.test('a quota value of 10 or 250000 is not mistaken for limit: 0', (t) => {
  const message = `${QUOTA_MESSAGE}\n* Quota exceeded for metric: x, limit: 10, model: m`
  const verdict = classifyUpstreamError(429, tooMany([quotaFailure(PER_MINUTE)], message))
  t.equal(verdict.kind, 'cool')
  t.end()
})

void t.test('an OpenAI body wrapped in an array is read like a native one', (t) => {
  const wrapped = `[${tooMany([quotaFailure(PER_MINUTE), retryInfo('37.5s')])}]`
  t.same(classifyUpstreamError(429, wrapped), {
    kind: 'cool',
    window: 'minute',
    retryAfterMs: 37_500,
  })
  t.same(classifyUpstreamError(429, `[${tooMany([quotaFailure(PER_DAY)])}]`), {
    kind: 'exhausted',
    window: 'day',
  })
  t.end()
})

const KEY_INVALID = body(
  400,
  'INVALID_ARGUMENT',
  'API key not valid. Please pass a valid API key.',
  [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    {
      '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
      locale: 'en-US',
      message: 'API key not valid. Please pass a valid API key.',
    },
  ],
)

void t.test('a 400 API_KEY_INVALID disables the key', (t) => {
  t.same(classifyUpstreamError(400, KEY_INVALID), {
    kind: 'disable-key',
    reason: 'API_KEY_INVALID',
  })
  t.end()
})

void t.test('a leaked key is disabled', (t) => {
  const leaked = body(
    403,
    'PERMISSION_DENIED',
    'Your API key was reported as leaked. Please use another API key.',
  )
  t.match(classifyUpstreamError(403, leaked), { kind: 'disable-key', reason: /leaked/ })
  t.end()
})

void t.test('a 402 disables the key', (t) => {
  const verdict = classifyUpstreamError(402, body(402, 'PAYMENT_REQUIRED', 'Payment required'))
  t.equal(verdict.kind, 'disable-key')
  t.end()
})

const SERVICE_DISABLED = body(
  403,
  'PERMISSION_DENIED',
  'Generative Language API has not been used in project 123456789012 before or it is disabled. ' +
    'Enable it by visiting https://console.developers.google.com/apis/api/' +
    'generativelanguage.googleapis.com/overview?project=123456789012 then retry.',
  [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: {
        consumer: 'projects/123456789012',
        service: 'generativelanguage.googleapis.com',
        serviceTitle: 'Generative Language API',
      },
    },
    HELP,
  ],
)

void t.test('a 403 SERVICE_DISABLED flags the key', (t) => {
  t.same(classifyUpstreamError(403, SERVICE_DISABLED), {
    kind: 'flag-key',
    reason: 'SERVICE_DISABLED',
  })
  t.end()
})

void t.test('a 403 that names a File goes back to the client and spares the key', (t) => {
  const message = 'You do not have permission to access the File abc123 or it may not exist.'
  t.same(classifyUpstreamError(403, body(403, 'PERMISSION_DENIED', message)), {
    kind: 'client',
    warn: false,
  })
  t.end()
})

void t.test('a generic 403 flags the key', (t) => {
  const generic = body(403, 'PERMISSION_DENIED', 'The caller does not have permission')
  t.match(classifyUpstreamError(403, generic), { kind: 'flag-key', reason: /permission/ })
  t.end()
})

void t.test('a 403 without a body flags the key', (t) => {
  t.equal(classifyUpstreamError(403, '').kind, 'flag-key')
  t.end()
})

void t.test('a 400 location error goes back to the client with a warning', (t) => {
  const location = body(
    400,
    'FAILED_PRECONDITION',
    'User location is not supported for the API use.',
  )
  t.same(classifyUpstreamError(400, location), { kind: 'client', warn: true })
  t.end()
})

void t.test('500, 503 and 504 are server faults', (t) => {
  const bodies: Array<[number, string]> = [
    [500, body(500, 'INTERNAL', 'An internal error has occurred. Please retry or report.')],
    [503, body(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')],
    [504, body(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.')],
    [503, '<html>Service Unavailable</html>'],
  ]
  for (const [status, text] of bodies) {
    t.same(classifyUpstreamError(status, text), { kind: 'server' }, String(status))
  }
  t.end()
})

void t.test('other 4xx go back to the client without a warning', (t) => {
  const notFound = body(
    404,
    'NOT_FOUND',
    'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.',
  )
  const bad = body(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo".')
  t.same(classifyUpstreamError(404, notFound), { kind: 'client', warn: false })
  t.same(classifyUpstreamError(400, bad), { kind: 'client', warn: false })
  t.same(classifyUpstreamError(413, ''), { kind: 'client', warn: false })
  t.end()
})

void t.test('the project number comes from the ErrorInfo consumer', (t) => {
  t.equal(projectNumberOf(parseGoogleError(SERVICE_DISABLED)), '123456789012')
  t.end()
})

void t.test('the project number comes from the message when no consumer is given', (t) => {
  const error = parseGoogleError(
    body(403, 'PERMISSION_DENIED', 'API has not been used in project 42 before or it is disabled.'),
  )
  t.equal(projectNumberOf(error), '42')
  t.equal(projectNumberOf(parseGoogleError(KEY_INVALID)), undefined)
  t.equal(projectNumberOf(undefined), undefined)
  t.end()
})

void t.test('retryDelayMs reads whole and fractional durations only', (t) => {
  const of = (delay: unknown) =>
    retryDelayMs({ details: [{ ...retryInfo(''), retryDelay: delay }] })
  t.equal(of('26s'), 26_000)
  t.equal(of('0.5s'), 500)
  t.equal(of('37.5s'), 37_500)
  t.equal(of('26'), undefined)
  t.equal(of('1m'), undefined)
  t.equal(of(26), undefined)
  t.equal(retryDelayMs({ details: [HELP] }), undefined)
  t.equal(retryDelayMs(undefined), undefined)
  t.end()
})

void t.test('quotaIdsOf lists every violation of every QuotaFailure', (t) => {
  const error = parseGoogleError(tooMany([quotaFailure(PER_MINUTE, PER_DAY), HELP]))
  t.same(quotaIdsOf(error), [PER_MINUTE, PER_DAY])
  t.end()
})

void t.test('a body that is not Google error shape parses to nothing', (t) => {
  t.equal(parseGoogleError('{"candidates":[]}'), undefined)
  t.equal(parseGoogleError('[]'), undefined)
  t.equal(parseGoogleError('null'), undefined)
  t.equal(parseGoogleError('{"error":"text"}'), undefined)
  t.equal(parseGoogleError('not json'), undefined)
  t.end()
})
