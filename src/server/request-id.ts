import { randomBytes } from 'node:crypto'

const VALID = /^[A-Za-z0-9._:-]{1,128}$/

let counter = 0
const prefix = randomBytes(4).toString('hex')

/** The client's `x-request-id` when it is well formed (design section 4), else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && VALID.test(header)) return header
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER
  return `kp-${prefix}-${counter.toString(36)}`
}
