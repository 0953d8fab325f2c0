// Exponential backoff with full jitter for reconnecting the event socket:
// attempt n waits a random time in [base·2ⁿ / 2, base·2ⁿ], capped.

export class Backoff {
  #base
  #cap
  #random
  #attempt = 0

  constructor({ baseMs = 500, capMs = 30_000, random = Math.random } = {}) {
    this.#base = baseMs
    this.#cap = capMs
    this.#random = random
  }

  get attempt() {
    return this.#attempt
  }

  /** The delay before the next try; each call counts one more failure. */
  next() {
    const ceiling = Math.min(this.#cap, this.#base * 2 ** this.#attempt)
    this.#attempt += 1
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2)
  }

  reset() {
    this.#attempt = 0
  }
}
