// The tab title alert: when the page is hidden and an interaction is pending,
// the title alternates "(n) New message – Parley" and "Parley"; it stops for
// an interaction when the agent clicks it (or when it stops being pending).
// The favicon flashes with it (see components/title_flash.js).
// Pure state; the component owns the timer and document.title.

export const BASE_TITLE = "Parley"

export class TitleAlert {
  #alerting = new Set()

  /**
   * Feed the page's visibility and the ids of the pending interactions.
   * Returns the ids that started alerting now (for a desktop notification).
   */
  update({ hidden, pendingIds }) {
    const pending = new Set(pendingIds)
    for (const id of this.#alerting) if (!pending.has(id)) this.#alerting.delete(id)
    const started = []
    if (hidden) {
      for (const id of pending) {
        if (!this.#alerting.has(id)) started.push(id)
        this.#alerting.add(id)
      }
    }
    return started
  }

  /** The agent clicked this interaction. */
  acknowledge(id) {
    this.#alerting.delete(id)
  }

  get count() {
    return this.#alerting.size
  }

  get active() {
    return this.#alerting.size > 0
  }

  /** The title to show on flash phase `phase` (0, 1, 2, … one per tick). */
  title(phase) {
    if (!this.active || phase % 2 === 1) return BASE_TITLE
    return `(${this.count}) New message – ${BASE_TITLE}`
  }
}
