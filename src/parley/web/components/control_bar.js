// <parley-control-bar>: the open interaction's header: WhatsApp icon with the
// pending response indicator and timer, the contact, and the interaction's
// actions: "Accept" / "Reject" for an offer, "Move to Workbin" and "Mark Done" once active.

import { registerPanel } from "../panels.js"
import { formatDuration, formatPhone } from "../models/format.js"
import { PendingTimer } from "../models/pending_timer.js"
import { h, icon, replace } from "./dom.js"
import { contactName } from "../models/contact.js"
import { showOffer } from "./interaction_bar.js"
import { DoneDialog } from "./done_dialog.js"
import { MoveDialog } from "./move_dialog.js"
import { channelIcon, updateChannelIcon } from "./pending.js"

export class ParleyControlBar extends HTMLElement {
  #ctx
  #unsubscribe = () => {}
  #icon
  #title
  #sub
  #timer
  #offer
  #actions
  #busy = false
  #renderedFor = null
  #done = new DoneDialog()
  #move = new MoveDialog()

  /** @param {{store, desktop, clock, notify, focusComposer}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    this.#unsubscribe()
    this.#unsubscribe = ctx.store.subscribe(({ topic, id }) => {
      if (topic === "selection" || topic === "config" || (topic === "interactions" && id === ctx.store.selectedId)) {
        this.render()
      }
      // An open Mark Done follows the live list, as the status menu does.
      if (topic === "config" && this.#done.isOpen) this.#done.setDispositions(ctx.store.config.dispositions)
    })
    this.render()
  }

  connectedCallback() {
    if (this.firstChild) return
    this.#icon = channelIcon(20)
    this.#title = h("h2", { class: "cbar-title" })
    this.#sub = h("span", { class: "cbar-sub" })
    this.#timer = h("span", { class: "cbar-timer", hidden: true })
    this.#offer = h("span", { class: "tag tag-offer cbar-offer", hidden: true,
      title: "The offer goes back to the queue if it is not accepted in time" })
    this.#actions = h("div", { class: "cbar-actions", role: "group", "aria-label": "Interaction control bar" })
    this.append(h("div", { class: "cbar-who" }, this.#icon,
      h("div", { class: "cbar-names" }, this.#title, this.#sub), this.#offer, this.#timer), this.#actions, this.#done.element, this.#move.element)
  }

  disconnectedCallback() {
    this.#unsubscribe()
  }

  render() {
    if (!this.#ctx || !this.#actions) return
    const interaction = this.#ctx.store.interaction(this.#ctx.store.selectedId)
    this.hidden = !interaction
    if (!interaction) return
    this.#title.textContent = contactName(interaction)
    this.#sub.textContent = formatPhone(interaction.contact?.wa_id)
    const key = `${interaction.id}:${interaction.state}:${this.#busy}`
    if (key !== this.#renderedFor) {
      this.#renderedFor = key
      this.#renderActions(interaction)
    }
    this.tick()
  }

  #renderActions(interaction) {
    const focused = this.#actions.contains(document.activeElement) ? document.activeElement.textContent : null
    const button = (label, cls, run, iconName) => h("button", {
      type: "button", class: `btn ${cls}`, disabled: this.#busy,
      onclick: () => this.#run(interaction.id, run),
    }, iconName ? icon(iconName) : null, h("span", {}, label))
    if (interaction.state === "offered") {
      replace(this.#actions,
        button("Accept", "btn-primary", async (d, id) => { await d.accept(id); this.#ctx.focusComposer?.() }, "check"),
        button("Reject", "btn-secondary", async (d, id) => { await d.reject(id); this.#ctx.focusNext?.() }, "close"))
    } else {
      replace(this.#actions,
        button("Create new session", "btn-secondary", async (d, id) => {
          await d.newSession(id)
          this.#ctx.notify?.("New session started: the earlier one is recorded as ended.", { polite: true })
        }, "session"),
        h("button", { type: "button", class: "btn btn-secondary", disabled: this.#busy,
          "aria-haspopup": "dialog", onclick: () => this.#askMove(interaction) }, icon("inbox"), h("span", {}, "Move to Workbin")),
        h("button", { type: "button", class: "btn btn-secondary", disabled: this.#busy,
          "aria-haspopup": "dialog", onclick: () => this.#askDone(interaction) }, icon("done"), h("span", {}, "Mark Done")))
    }
    if (focused) [...this.#actions.querySelectorAll("button")].find((b) => b.textContent === focused)?.focus()
  }

  #askMove(interaction) {
    const { store, desktop } = this.#ctx
    this.#move.open({
      contact: contactName(interaction),
      workbins: desktop.loadWorkbins(),
      meId: store.me?.id,
      submit: (choice) => desktop.moveToWorkbin(interaction.id, choice),
      closed: () => this.#ctx.focusNext?.(),
    })
  }

  #askDone(interaction) {
    const { store, desktop } = this.#ctx
    this.#done.open({
      contact: contactName(interaction),
      dispositions: store.config.dispositions,
      required: Boolean(store.config.disposition_required),
      submit: (choice) => desktop.markDone(interaction.id, choice),
      closed: () => this.#ctx.focusNext?.(),
      draft: Boolean(this.#ctx.hasDraft?.()),
      refresh: () => desktop.loadDispositions(),
    })
  }

  async #run(id, action) {
    if (this.#busy) return
    this.#busy = true
    this.render()
    try {
      await action(this.#ctx.desktop, id)
    } catch (error) {
      this.#ctx.notify(error?.message || "That did not work. Try again.")
    } finally {
      this.#busy = false
      this.render()
    }
  }

  /** Refresh the pending timer (called every second). */
  tick() {
    const interaction = this.#ctx?.store.interaction(this.#ctx.store.selectedId)
    if (!interaction || !this.#icon) return
    const { store, clock } = this.#ctx
    const measure = new PendingTimer({ thresholds: store.thresholds, now: () => clock.now() })
      .measure(interaction.pending_since)
    updateChannelIcon(this.#icon, measure)
    showOffer(this.#offer, interaction, store.config.offer_timeout_seconds, clock.now())
    this.#timer.hidden = measure.level === "none"
    this.#timer.dataset.level = measure.level
    this.#timer.textContent = measure.level === "none" ? "" : formatDuration(measure.elapsed)
    this.#timer.title = "Pending response: time since the customer’s oldest unanswered message"
  }
}

customElements.define("parley-control-bar", ParleyControlBar)

registerPanel({ id: "control", region: "main", order: 10, create: () => h("parley-control-bar", { hidden: true }) })
