// "At most once per interval" for signals that repeat while the agent acts:
// the typing indicator (WhatsApp shows it for up to 25 s, so once per 10 s
// while keys are pressed keeps it up without flooding the API) and read
// receipts. Pure: the caller passes the time.

export class Throttle {
  #intervalMs
  #last = new Map()

  constructor(intervalMs) {
    this.#intervalMs = intervalMs
  }

  /** Whether `key` may fire at `nowMs`; if so, it counts as fired. */
  take(key, nowMs) {
    const last = this.#last.get(key)
    if (last !== undefined && nowMs - last < this.#intervalMs) return false
    this.#last.set(key, nowMs)
    return true
  }

  /** Forget `key` (the agent sent: the next keystroke may signal again). */
  reset(key) {
    this.#last.delete(key)
  }
}
