// Flashes the tab title while the page is hidden and an interaction is
// pending (see models/title_alert.js for the rules). Owns the timer and
// document.title; the app tells it when the agent clicks an interaction.

import { BASE_TITLE, TitleAlert } from "../models/title_alert.js"

export class TitleFlasher {
  #store
  #doc
  #alert = new TitleAlert()
  #timer = null
  #phase = 0
  #unsubscribe

  constructor(store, doc = document) {
    this.#store = store
    this.#doc = doc
    this.#unsubscribe = store.subscribe(({ topic }) => {
      if (topic === "interactions") this.#update()
    })
    doc.addEventListener("visibilitychange", this.#update)
    this.#update()
  }

  /** The agent clicked this interaction: stop flashing for it. */
  acknowledge(id) {
    this.#alert.acknowledge(String(id))
    this.#update()
  }

  stop() {
    this.#unsubscribe()
    this.#doc.removeEventListener("visibilitychange", this.#update)
    this.#halt()
  }

  #update = () => {
    this.#alert.update({ hidden: this.#doc.visibilityState === "hidden", pendingIds: this.#store.pendingIds() })
    if (this.#alert.active && this.#timer === null) {
      this.#phase = 0
      this.#doc.title = this.#alert.title(0)
      this.#timer = setInterval(() => {
        this.#phase += 1
        this.#doc.title = this.#alert.title(this.#phase)
      }, 1000)
    } else if (!this.#alert.active) {
      this.#halt()
    } else {
      this.#doc.title = this.#alert.title(this.#phase)
    }
  }

  #halt() {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    this.#doc.title = BASE_TITLE
  }
}
