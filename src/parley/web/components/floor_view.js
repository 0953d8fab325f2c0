// <parley-floor>: the supervisors' and admins' "Floor" view. Today's figures,
// the charts of volume and wait per 15 minutes, the queue (longest wait first,
// ticking), the agents (status, time in it, interactions against capacity,
// oldest pending response), the interactions in progress and the workbins.
// GET floor gives the state; the event stream keeps it live (no polling):
// interaction and agent events apply at once, and what they cannot say
// (figures, workbin counts) brings the snapshot again, at most once a second.

import { registerPanel } from "../panels.js"
import { FloorModel, figureTiles, floorContact, pendingSeconds, queueState, statusLabel, waitSeconds } from "../models/floor.js"
import { formatDuration, toMs } from "../models/format.js"
import { previewOf } from "../models/preview.js"
import { startOfLocalDay } from "../supervisor.js"
import { h, replace } from "./dom.js"
import { FloorCharts } from "./floor_charts.js"
import { openMonitor, openMoveDialog, openStatusDialog } from "./floor_dialogs.js"

const REFRESH_AFTER_MS = 1000
const STAFF = new Set(["supervisor", "admin"])

export class ParleyFloor extends HTMLElement {
  #ctx
  #model = new FloorModel()
  #charts = new FloorCharts()
  #tiles = h("dl", { class: "floor-tiles" })
  #queue = h("tbody")
  #agents = h("tbody")
  #held = h("tbody")
  #bins = h("tbody")
  #queueTitle = h("h2", { class: "floor-title" }, "Queue")
  #heldTitle = h("h2", { class: "floor-title" }, "In progress")
  #status = h("p", { class: "view-error", role: "alert", hidden: true })
  #ticking = [] // [cell, () => text] updated every second
  #timer = null
  #loading = false
  #again = false
  #monitor = null
  #unsubscribe = []

  connectedCallback() {
    if (this.childElementCount) return
    const table = (label, heads, body) => h("table", { class: "floor-table", "aria-label": label },
      h("thead", {}, h("tr", {}, ...heads.map((t) => h("th", { scope: "col" }, t)))), body)
    this.append(
      h("div", { class: "view-head" }, h("h1", { class: "view-title" }, "Floor"),
        h("p", { class: "muted floor-live" }, "Live · figures since midnight")),
      this.#status,
      h("div", { class: "floor-body" },
        h("section", { class: "floor-card floor-wide", "aria-label": "Today’s figures" }, this.#tiles),
        h("section", { class: "floor-card floor-wide", "aria-label": "Charts" }, this.#charts.element),
        h("section", { class: "floor-card", "aria-labelledby": "floor-queue-title" },
          Object.assign(this.#queueTitle, { id: "floor-queue-title" }),
          table("Waiting customers", ["Contact", "Waiting", "Last message", "State", "Actions"], this.#queue)),
        h("section", { class: "floor-card", "aria-labelledby": "floor-agents-title" },
          h("h2", { class: "floor-title", id: "floor-agents-title" }, "Agents"),
          table("Agents", ["Agent", "Status", "In status", "Interactions", "Oldest pending", "Actions"], this.#agents)),
        h("section", { class: "floor-card", "aria-labelledby": "floor-held-title" },
          Object.assign(this.#heldTitle, { id: "floor-held-title" }),
          table("Interactions in progress", ["Contact", "Agent", "Pending", "Last message", "Actions"], this.#held)),
        h("section", { class: "floor-card", "aria-labelledby": "floor-bins-title" },
          h("h2", { class: "floor-title", id: "floor-bins-title" }, "Workbins"),
          table("Workbins", ["Workbin", "Items", "Oldest parked"], this.#bins))))
  }

  /** @param {{store, clock, supervisor, onEvent, onStreamOpen, notify}} ctx */
  connect(ctx) {
    this.#ctx = ctx
    for (const stop of this.#unsubscribe) stop()
    this.#unsubscribe = [
      ctx.onEvent((event) => this.#apply(event)),
      ctx.onStreamOpen(() => this.#load()),
    ]
  }

  /** The tab was chosen: fresh figures. */
  shown() {
    this.#load()
  }

  tick() {
    if (this.hidden) return
    for (const [cell, text] of this.#ticking) {
      const value = text()
      if (cell.textContent !== value) cell.textContent = value
    }
  }

  #apply(event) {
    if (this.#monitor && (event.type === "message.created" || event.type === "message.updated")
        && String(event.message?.interaction_id) === this.#monitor.interactionId) this.#monitor.add(event.message)
    if (this.#monitor && (event.type === "interaction.updated" || event.type === "interaction.offered")
        && String(event.interaction?.id) === this.#monitor.interactionId) {
      this.#monitor.follow(event.interaction, this.#model.agent(event.interaction.agent_id)?.name ?? "")
    }
    if (this.#monitor && event.type === "workbin.item_updated"
        && String(event.item?.interaction_id) === this.#monitor.interactionId) {
      this.#monitor.follow({ state: "parked", workbin_id: event.item.workbin_id }, "")
    }
    if (!this.#model.loaded) return
    const { changed, refresh } = this.#model.apply(event)
    if (changed && !this.hidden) this.#render({ charts: false })
    if (refresh) this.#refreshSoon()
  }

  #refreshSoon() {
    if (this.#timer !== null) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#load()
    }, REFRESH_AFTER_MS)
  }

  async #load() {
    if (!this.#ctx || this.hidden) return
    if (this.#loading) {
      this.#again = true
      return
    }
    this.#loading = true
    try {
      const snapshot = await this.#ctx.supervisor.floor(startOfLocalDay(this.#ctx.clock.now()))
      this.#model.load(snapshot)
      this.#status.hidden = true
      this.#render({ charts: true })
    } catch (error) {
      this.#status.hidden = false
      this.#status.textContent = error?.message || "Couldn’t load the floor."
    } finally {
      this.#loading = false
      if (this.#again) {
        this.#again = false
        this.#refreshSoon()
      }
    }
  }

  #render({ charts }) {
    const focused = this.contains(document.activeElement) ? document.activeElement?.dataset?.key : undefined
    const now = () => this.#ctx.clock.now()
    this.#ticking = []
    const ticking = (text, props = {}) => {
      const cell = h("td", props, text())
      this.#ticking.push([cell, text])
      return cell
    }
    const m = this.#model
    // An agent's reply reads with the agent's name: the supervisor did not write it.
    const viewer = { meId: this.#ctx.store?.me?.id ?? null, nameOf: (id) => m.agent(id)?.name ?? null }
    replace(this.#tiles, ...figureTiles(m.figures, m.threshold).map(([label, value, hint]) =>
      h("div", { class: "floor-tile" }, h("dt", {}, label), h("dd", { class: "floor-tile-value" }, value), h("dd", { class: "floor-tile-hint" }, hint))))
    if (charts) this.#charts.show(m.intervals, m.threshold)

    const queue = m.queue(now())
    this.#queueTitle.textContent = queue.length ? `Queue · ${queue.length} waiting` : "Queue"
    replace(this.#queue, ...(queue.length ? queue.map(({ interaction, agent }) => h("tr", {},
      h("th", { scope: "row", dir: "auto" }, floorContact(interaction)),
      ticking(() => formatDuration(waitSeconds(interaction, now())), { class: `mono ${waitClass(waitSeconds(interaction, now()), m.threshold)}` }),
      h("td", { class: "floor-preview", dir: "auto" }, previewOf(interaction, viewer) || "—"),
      h("td", {}, queueState(interaction, agent)),
      h("td", { class: "floor-actions" }, this.#moveButton(interaction), this.#monitorButton(interaction))))
      : [emptyRow(5, "Nobody is waiting.")]))

    replace(this.#agents, ...(m.agents().length ? m.agents().map((agent) => h("tr", { dataset: { status: agent.status } },
      h("th", { scope: "row" }, agent.name),
      h("td", {}, h("span", { class: "presence-pill", dataset: { status: agent.status } }, h("span", { class: "presence-dot", "aria-hidden": "true" }), statusLabel(agent))),
      ticking(() => formatDuration((now() - (toMs(agent.status_since) ?? now())) / 1000), { class: "mono" }),
      h("td", { class: agent.held >= agent.capacity ? "floor-full" : "" }, `${agent.held} of ${agent.capacity}`),
      ticking(() => (agent.oldest_pending_ms === null ? "—" : formatDuration((now() - agent.oldest_pending_ms) / 1000)), { class: "mono" }),
      h("td", { class: "floor-actions" }, this.#statusButton(agent))))
      : [emptyRow(6, "No agents yet.")]))

    const held = m.held(now())
    this.#heldTitle.textContent = held.length ? `In progress · ${held.length}` : "In progress"
    replace(this.#held, ...(held.length ? held.map(({ interaction, agent }) => h("tr", {},
      h("th", { scope: "row", dir: "auto" }, floorContact(interaction)),
      h("td", {}, agent?.name ?? "—"),
      ticking(() => { const s = pendingSeconds(interaction, now()); return s === null ? "Answered" : formatDuration(s) }, { class: "mono" }),
      h("td", { class: "floor-preview", dir: "auto" }, previewOf(interaction, viewer) || "—"),
      h("td", { class: "floor-actions" }, this.#moveButton(interaction), this.#monitorButton(interaction))))
      : [emptyRow(5, "No interaction in progress.")]))

    replace(this.#bins, ...(m.workbins.length ? m.workbins.map((w) => h("tr", {},
      h("th", { scope: "row" }, w.name),
      h("td", {}, String(w.item_count)),
      w.oldest_parked_at ? ticking(() => formatDuration((now() - toMs(w.oldest_parked_at)) / 1000), { class: "mono" }) : h("td", {}, "—")))
      : [emptyRow(3, "No workbins.")]))
    if (focused) this.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus()
  }

  #moveButton(interaction) {
    const who = floorContact(interaction)
    return h("button", { type: "button", class: "btn btn-secondary btn-small", "aria-label": `Move ${who}`,
      dataset: { key: `move:${interaction.id}` }, onclick: () => openMoveDialog(this, {
        interaction, targets: this.#model.moveTargets(interaction),
        onMove: async (kind, id) => {
          if (kind === "agent") await this.#ctx.supervisor.moveToAgent(interaction.id, id)
          else await this.#ctx.supervisor.moveToWorkbin(interaction.id, id)
          this.#refreshSoon()
        },
      }) }, "Move")
  }

  #monitorButton(interaction) {
    const who = floorContact(interaction)
    return h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Monitor ${who}`,
      dataset: { key: `monitor:${interaction.id}` }, onclick: async () => {
        try {
          const { interaction: fresh, page } = await this.#ctx.supervisor.monitor(interaction.id)
          this.#monitor = openMonitor(this, { interaction: fresh ?? interaction, page, ctx: this.#ctx,
            agentName: this.#model.agent(fresh?.agent_id ?? interaction.agent_id)?.name ?? "",
            onClose: () => { this.#monitor = null } })
        } catch (error) {
          this.#ctx.notify(error?.message || "Couldn’t open the conversation.")
        }
      } }, "Monitor")
  }

  // The visible words are the end of the name ("Set Alice Martins Not Ready"): WCAG's label in name.
  #statusButton(agent) {
    if (agent.status === "logged_out") return null
    if (agent.status === "not_ready") {
      return h("button", { type: "button", class: "btn btn-secondary btn-small", "aria-label": `Set ${agent.name} Ready`,
        dataset: { key: `ready:${agent.id}` }, onclick: () => this.#setStatus(agent, "ready") }, "Ready")
    }
    return h("button", { type: "button", class: "btn btn-secondary btn-small", "aria-label": `Set ${agent.name} Not Ready`,
      dataset: { key: `notready:${agent.id}` }, onclick: () => openStatusDialog(this, {
        agent, reasons: this.#ctx.store.config?.not_ready_reasons ?? [],
        onSet: (reason) => this.#setStatus(agent, "not_ready", reason, { rethrow: true }),
      }) }, "Not Ready")
  }

  async #setStatus(agent, status, reason = null, { rethrow = false } = {}) {
    try {
      const updated = await this.#ctx.supervisor.setAgentStatus(agent.id, status, reason)
      if (updated) this.#model.apply({ type: "agent.updated", agent: updated })
      this.#render({ charts: false })
    } catch (error) {
      if (rethrow) throw error
      this.#ctx.notify(error?.message || "Couldn’t change the agent’s status.")
    }
  }
}

function emptyRow(span, text) {
  return h("tr", { class: "floor-empty" }, h("td", { colspan: String(span) }, text))
}

/** Past the service-level threshold the wait is red; past half of it, yellow. */
function waitClass(seconds, threshold) {
  if (seconds > threshold) return "floor-late"
  return seconds > threshold / 2 ? "floor-warn" : ""
}

customElements.define("parley-floor", ParleyFloor)
registerPanel({
  id: "floor", region: "view", order: 5, label: "Floor",
  visible: ({ me }) => STAFF.has(me?.role),
  create: () => h("parley-floor", { role: "region", "aria-label": "Floor" }),
})
