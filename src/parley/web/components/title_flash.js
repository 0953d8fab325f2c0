// Flashes the tab title and the favicon while the page is hidden and an
// interaction is pending (see models/title_alert.js for the rules), and asks
// for a desktop notification when one starts waiting. Owns the timer,
// document.title and the icon link; the app tells it when the agent clicks an
// interaction.

import { BASE_TITLE, TitleAlert } from "../models/title_alert.js"

const ICON = "favicon.svg"
const ALERT_ICON = "favicon-alert.svg"

export class TitleFlasher {
  #store
  #doc
  #alert = new TitleAlert()
  #timer = null
  #phase = 0
  #unsubscribe
  #onAlert

  /** @param {(ids: string[]) => void} [onAlert] interactions that started waiting while hidden */
  constructor(store, doc = document, { onAlert = () => {} } = {}) {
    this.#store = store
    this.#doc = doc
    this.#onAlert = onAlert
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
    const started = this.#alert.update({ hidden: this.#doc.visibilityState === "hidden",
      pendingIds: this.#store.pendingIds() })
    if (started.length) this.#onAlert(started)
    if (this.#alert.active && this.#timer === null) {
      this.#phase = 0
      this.#show()
      this.#timer = setInterval(() => {
        this.#phase += 1
        this.#show()
      }, 1000)
    } else if (!this.#alert.active) {
      this.#halt()
    } else {
      this.#show()
    }
  }

  #show() {
    this.#doc.title = this.#alert.title(this.#phase)
    this.#icon(this.#phase % 2 === 0 ? ALERT_ICON : ICON)
  }

  #icon(name) {
    const link = this.#doc.querySelector("link[rel~='icon']")
    if (link && !link.href.endsWith(name)) link.href = new URL(name, this.#doc.baseURI).href
  }

  #halt() {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    this.#doc.title = BASE_TITLE
    this.#icon(ICON)
  }
}
