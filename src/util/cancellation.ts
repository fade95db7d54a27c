/** Told once when the call it watches is cancelled. */
export interface CancelWatcher {
  onCancel(reason: Error): void
}

/**
 * A call's cancellation: set once, when its client goes away. One watcher at a time is told,
 * since a call is in one place at a time: the queue while it waits, then the attempt under way.
 *
 * Not an AbortController: its AbortSignal costs about 4 µs to build in Node 20 (2-3 % of
 * keypool's CPU per call in `npm run bench`), and with a listener on it about 650 bytes of heap
 * (an EventTarget, two Maps, a listener record) for every call waiting in the queue.
 */
export class Cancellation {
  #reason: Error | undefined
  #watcher: CancelWatcher | undefined

  get isCancelled(): boolean {
    return this.#reason !== undefined
  }

  /** Why the call was cancelled; undefined while it was not. */
  get reason(): Error | undefined {
    return this.#reason
  }

  cancel(reason: Error): void {
    if (this.#reason) return
    this.#reason = reason
    this.#watcher?.onCancel(reason)
  }

  /** Tells `watcher` from now on, or at once when the call is already cancelled. */
  watch(watcher: CancelWatcher): void {
    this.#watcher = watcher
    if (this.#reason) watcher.onCancel(this.#reason)
  }

  /** Stops telling `watcher`; a watcher that took its place since is left alone. */
  unwatch(watcher: CancelWatcher): void {
    if (this.#watcher === watcher) this.#watcher = undefined
  }
}
