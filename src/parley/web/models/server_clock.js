// The server's time as seen from the browser. Pending timers and the 24 h
// window are computed from server timestamps, so an agent PC whose clock is a
// minute off must not turn an indicator red. Each API response's Date header
// is a sample; the sample with the shortest round trip wins (its error is
// smallest), and samples older than `maxAgeMs` give way to fresh ones.

export class ServerClock {
  #local
  #offset = 0
  #best = null // {rtt, at}
  #maxAgeMs

  constructor({ local = () => Date.now(), maxAgeMs = 10 * 60_000 } = {}) {
    this.#local = local
    this.#maxAgeMs = maxAgeMs
  }

  /** Server time in ms. */
  now() {
    return this.#local() + this.#offset
  }

  get offset() {
    return this.#offset
  }

  /**
   * Record one request: `serverMs` from its Date header (whole seconds), the
   * local times the request left and its answer arrived.
   */
  observe(serverMs, sentAt, receivedAt) {
    if (!Number.isFinite(serverMs) || !(receivedAt >= sentAt)) return
    const rtt = receivedAt - sentAt
    const stale = this.#best && receivedAt - this.#best.at > this.#maxAgeMs
    if (this.#best && !stale && rtt > this.#best.rtt) return
    // The Date header truncates to the second: its middle is the best guess.
    const offset = serverMs + 500 - (sentAt + rtt / 2)
    // Within the header's own precision, the clocks agree: keep 0 for calm numbers.
    this.#offset = Math.abs(offset) <= 1000 ? 0 : Math.round(offset)
    this.#best = { rtt, at: receivedAt }
  }
}
