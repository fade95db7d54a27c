import type { Logger } from 'pino'
import type { KeypoolEvents } from './events.js'

/**
 * The one owner of log levels (style habit 8): a client's 4xx at info, an upstream failure at
 * warn, keypool's own fault at error, a client hanging up at info. Context first, then a short
 * constant message. Secrets never reach here: events carry key ids, never keys.
 */
export function logObserver(logger: Logger): KeypoolEvents {
  return {
    requestFinished(e) {
      const level = e.status >= 500 && e.code === 'KP_ERR_INTERNAL' ? 'error' : 'info'
      logger[level](e, 'request')
    },
    upstreamAnswered(e) {
      if (e.status >= 500 || e.status === 429) logger.warn(e, 'upstream error')
      else logger.debug(e, 'upstream answered')
    },
    retried(e) {
      logger.info(e, 'retry on another key')
    },
    streamBroken(e) {
      logger.warn(e, 'stream broken')
    },
    firstByte() {},
    tokensUsed() {},
    keyStateChanged(e) {
      logger.warn(e, 'key state changed')
    },
    budgetStateChanged(e) {
      const until = e.until === undefined ? undefined : new Date(e.until).toISOString()
      logger.info({ ...e, until }, 'budget state changed')
    },
    upstreamRateLimited(e) {
      logger.warn(e, 'upstream rate limited')
    },
    // The request line carries queueMs and the refusal's code; these feed metrics.
    queueWaited() {},
    queueRejected(e) {
      logger.debug(e, 'queue refused')
    },
    upstreamWarning(e) {
      logger.warn(e, 'upstream refused for a reason no key can fix')
    },
    clientRefused(e) {
      logger.info(e, 'client refused')
    },
    internalError(e) {
      logger.error({ requestId: e.requestId, err: e.error }, 'internal error')
    },
  }
}
