import type { Test } from 'tap'
import { SIM_KEY_CONFIG, startStack, type Stack, type StackOptions } from './stack.js'
import { headerValues, startTap, type Tap } from './upstream-tap.js'

/** keypool with configured clients, a tap between it and the simulator, and what tests check. */

export const CLIENT_TOKEN = 'web-client-token-4f1c9a'
export const OTHER_TOKEN = 'batch-client-token-77b2e0'
export const REAL_KEYS: readonly string[] = SIM_KEY_CONFIG.map((k) => k.key)

export const CLIENTS = [
  { id: 'web', token: CLIENT_TOKEN, tier: 'premium' },
  { id: 'batch', token: OTHER_TOKEN, tier: 'free' },
]

export interface TappedStack extends Stack {
  tap: Tap
}

/** The stack with client tokens configured and every upstream call recorded by a tap. */
export async function tappedStack(t: Test, options: StackOptions = {}): Promise<TappedStack> {
  let tap!: Tap
  const stack = await startStack(t, {
    ...options,
    config: { clients: CLIENTS, ...options.config },
    upstream: async (sim) => {
      tap = await startTap(t, sim.url)
      return tap.url
    },
  })
  return Object.assign(stack, { tap })
}

/** Every credential a call carried upstream, in the forms Google reads. */
export function upstreamCredentials(rawHeaders: readonly string[], url: string) {
  const query = new URL(url, 'http://upstream').searchParams
  return {
    header: headerValues(rawHeaders, 'x-goog-api-key'),
    authorization: headerValues(rawHeaders, 'authorization'),
    query: query.getAll('key'),
  }
}

/**
 * The proof of the issue: the upstream saw only configured keys, exactly one per call, and no
 * client token anywhere in a header or the URL.
 */
export function assertOnlyRealKeys(
  t: Test,
  stack: TappedStack,
  tokens = [CLIENT_TOKEN, OTHER_TOKEN],
): void {
  t.ok(stack.sim.calls.length > 0, 'the upstream was called')
  for (const call of stack.sim.calls) {
    t.ok(
      REAL_KEYS.includes(call.key ?? ''),
      `${call.path} reached the upstream with a configured key`,
    )
  }
  for (const call of stack.tap.calls) {
    const credentials = upstreamCredentials(call.rawHeaders, call.url)
    const count =
      credentials.header.length + credentials.authorization.length + credentials.query.length
    t.equal(count, 1, `${call.method} ${call.url.split('?')[0]} carried exactly one credential`)
    const wire = [call.url, ...call.rawHeaders].join('\n')
    for (const token of tokens)
      t.notOk(wire.includes(token), 'no client token in any header or the URL')
  }
}
