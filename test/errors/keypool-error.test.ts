import t from 'tap'
import { ERRORS, type ErrorCode } from '../../src/errors/catalogue.js'
import { formatProtoDuration, KeypoolError } from '../../src/errors/keypool-error.js'

type Detail = Record<string, unknown> & { '@type': string }

function detailsOf(error: KeypoolError): Detail[] {
  return error.toGoogleBody().error.details as Detail[]
}

function detail(error: KeypoolError, type: string): Detail | undefined {
  return detailsOf(error).find((d) => d['@type'] === `type.googleapis.com/google.rpc.${type}`)
}

/** A value for every `{name}` a template holds. */
function paramsFor(code: ErrorCode): Record<string, string> {
  const names = [...ERRORS[code].message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
  return Object.fromEntries(names.map((name) => [name, `<${name}>`]))
}

void t.test('an unknown client token carries the reason API_KEY_INVALID', (t) => {
  t.equal(detail(new KeypoolError('KP_ERR_BAD_TOKEN'), 'ErrorInfo')?.reason, 'API_KEY_INVALID')
  t.end()
})

void t.test('the message fills the template with the parameters', (t) => {
  const error = new KeypoolError('KP_ERR_QUEUE_FULL', { pool: 'main', depth: 1000, retry: '3s' })
  t.equal(
    error.message,
    'keypool: the queue of pool "main" is full (1000 calls waiting). Retry in 3s.',
  )
  t.equal(error.toGoogleBody().error.message, error.message)
  t.equal(error.name, 'KeypoolError')
  t.ok(error instanceof Error)
  t.end()
})

void t.test('RetryInfo keeps the fraction of the delay', (t) => {
  const error = new KeypoolError('KP_ERR_WAIT_TOO_LONG', {}, 37.5)
  t.match(detail(error, 'RetryInfo'), { retryDelay: '37.5s' })
  t.end()
})

void t.test('Retry-After is whole seconds rounded up', (t) => {
  t.equal(new KeypoolError('KP_ERR_QUEUE_FULL', {}, 37.5).retryAfterHeader, '38')
  t.equal(new KeypoolError('KP_ERR_QUEUE_FULL', {}, 30).retryAfterHeader, '30')
  t.equal(new KeypoolError('KP_ERR_QUEUE_FULL', {}, 30.001).retryAfterHeader, '31')
  t.end()
})

void t.test('Retry-After is at least one second', (t) => {
  t.equal(new KeypoolError('KP_ERR_QUEUE_FULL', {}, 0.2).retryAfterHeader, '1')
  t.equal(new KeypoolError('KP_ERR_QUEUE_FULL', {}, 0).retryAfterHeader, '1')
  t.end()
})

void t.test('an error without a retry delay has no RetryInfo and no Retry-After', (t) => {
  const error = new KeypoolError('KP_ERR_REQUEST_TOO_LARGE', paramsFor('KP_ERR_REQUEST_TOO_LARGE'))
  t.equal(error.retryAfterHeader, undefined)
  t.equal(detail(error, 'RetryInfo'), undefined)
  t.end()
})

void t.test('proto durations keep up to nine fractional digits and drop trailing zeros', (t) => {
  t.equal(formatProtoDuration(45.837906927), '45.837906927s')
  t.equal(formatProtoDuration(37.5), '37.5s')
  t.equal(formatProtoDuration(30), '30s')
  t.equal(formatProtoDuration(100), '100s')
  t.equal(formatProtoDuration(0), '0s')
  t.equal(formatProtoDuration(0.1 + 0.2), '0.3s')
  t.equal(formatProtoDuration(-4), '0s')
  t.end()
})
