// The supervisors' floor as the desktop holds it: loaded from GET floor, kept
// live by the event stream. Interactions waiting or held are applied from
// their events at once (with a version guard); what an event cannot say by
// itself (the day's figures, workbin counts, where a removed offer went) asks
// for the snapshot again (`refresh`), which the view throttles. Pure: no DOM.

import { contactName } from "./contact.js"
import { toMs } from "./format.js"

const LIVE = new Set(["queued", "offered", "active"])
const WAITING = new Set(["queued", "offered"])
const HELD = new Set(["offered", "active"])
const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true })

export class FloorModel {
  #interactions = new Map() // id → interaction (queued, offered or active)
  #versions = new Map() // id → newest version seen, also for those gone (done, parked)
  #agents = new Map() // id → the agent row
  workbins = []
  figures = null
  intervals = []
  since = null
  until = null
  threshold = 60
  loaded = false

  /** Replace everything with a snapshot of GET floor. */
  load(snapshot) {
    this.#interactions.clear()
    for (const interaction of [...(snapshot?.queue ?? []), ...(snapshot?.held ?? [])]) {
      this.#interactions.set(String(interaction.id), interaction)
      this.#versions.set(String(interaction.id), interaction.version ?? 0)
    }
    this.#agents = new Map((snapshot?.agents ?? []).map((a) => [String(a.id), a]))
    this.workbins = snapshot?.workbins ?? []
    this.figures = snapshot?.figures ?? null
    this.intervals = snapshot?.intervals ?? []
    this.since = snapshot?.since ?? null
    this.until = snapshot?.until ?? null
    this.threshold = snapshot?.service_level_seconds ?? 60
    this.loaded = true
  }

  /**
   * Apply one event of the stream. Returns `{changed, refresh}`: `changed` when what the view
   * shows moved, `refresh` when the snapshot should be asked for again (figures, workbins).
   */
  apply(event) {
    switch (event?.type) {
      case "interaction.offered":
      case "interaction.updated":
        return this.#putInteraction(event.interaction)
      case "interaction.removed": // back to the queue, parked, moved: the snapshot says where
        return { changed: false, refresh: true }
      case "agent.updated":
        return { changed: this.#putAgent(event.agent), refresh: false }
      case "workbin.item_updated":
      case "workbin.item_removed":
      case "workbin.updated":
      case "workbin.removed":
        return { changed: false, refresh: true }
      default:
        return { changed: false, refresh: false }
    }
  }

  #putInteraction(interaction) {
    if (!interaction || interaction.id === undefined) return { changed: false, refresh: false }
    const k = String(interaction.id)
    const seen = this.#versions.get(k)
    if (seen !== undefined && typeof interaction.version === "number" && interaction.version <= seen) {
      return { changed: false, refresh: false }
    }
    if (typeof interaction.version === "number") this.#versions.set(k, interaction.version)
    const before = this.#interactions.get(k)
    if (LIVE.has(interaction.state)) this.#interactions.set(k, interaction)
    else this.#interactions.delete(k)
    const moved = !before || before.state !== interaction.state || String(before.agent_id) !== String(interaction.agent_id)
    return { changed: Boolean(before) || LIVE.has(interaction.state), refresh: moved }
  }

  #putAgent(agent) {
    const k = String(agent?.id ?? "")
    const row = this.#agents.get(k)
    if (!row) return false // not an agent on this floor (a supervisor, another team)
    this.#agents.set(k, { ...row, status: agent.status, status_reason: agent.status_reason,
      status_since: agent.status_since, capacity: agent.capacity ?? row.capacity })
    return true
  }

  interaction(id) {
    return this.#interactions.get(String(id)) ?? null
  }

  agent(id) {
    return this.#agents.get(String(id)) ?? null
  }

  /** Waiting customers, longest wait first: `{interaction, waitSeconds, agent}`. */
  queue(nowMs) {
    return [...this.#interactions.values()].filter((i) => WAITING.has(i.state))
      .map((interaction) => ({ interaction, waitSeconds: waitSeconds(interaction, nowMs), agent: this.agent(interaction.agent_id) }))
      .sort((a, b) => b.waitSeconds - a.waitSeconds || Number(a.interaction.id) - Number(b.interaction.id))
  }

  /** Interactions an agent is working on (active), the customer waiting longest first. */
  held(nowMs) {
    return [...this.#interactions.values()].filter((i) => i.state === "active")
      .map((interaction) => ({ interaction, waitSeconds: pendingSeconds(interaction, nowMs), agent: this.agent(interaction.agent_id) }))
      .sort((a, b) => (b.waitSeconds ?? -1) - (a.waitSeconds ?? -1) || Number(a.interaction.id) - Number(b.interaction.id))
  }

  /**
   * Every agent with what they hold now (offers count against capacity, as routing counts them)
   * and their oldest pending response; logged-out agents last, then by name.
   */
  agents() {
    const load = new Map()
    for (const i of this.#interactions.values()) {
      if (!HELD.has(i.state) || i.agent_id === null || i.agent_id === undefined) continue
      const k = String(i.agent_id)
      const row = load.get(k) ?? { held: 0, oldest: null }
      row.held += 1
      const pending = toMs(i.pending_since)
      if (pending !== null && (row.oldest === null || pending < row.oldest)) row.oldest = pending
      load.set(k, row)
    }
    return [...this.#agents.values()].map((agent) => {
      const mine = load.get(String(agent.id))
      return { ...agent, held: mine?.held ?? 0, oldest_pending_ms: mine?.oldest ?? null }
    }).sort((a, b) => Number(a.status === "logged_out") - Number(b.status === "logged_out")
      || collator.compare(a.name ?? "", b.name ?? "") || Number(a.id) - Number(b.id))
  }

  /** Where a supervisor can move an interaction: logged-in agents (with room or not) and workbins. */
  moveTargets(interaction) {
    const agents = this.agents().filter((a) => a.status !== "logged_out" && String(a.id) !== String(interaction?.agent_id))
      .map((a) => ({ kind: "agent", id: a.id, label: `${a.name} — ${statusLabel(a)}, ${a.held} of ${a.capacity}`, full: a.held >= a.capacity }))
    const bins = this.workbins.filter((w) => String(w.id) !== String(interaction?.workbin_id))
      .map((w) => ({ kind: "workbin", id: w.id, label: `${w.name} (${w.item_count} ${w.item_count === 1 ? "item" : "items"})` }))
    return { agents, workbins: bins }
  }
}

/** Seconds the customer of a waiting interaction has waited: since their oldest unanswered message, else since queued. */
export function waitSeconds(interaction, nowMs) {
  const since = toMs(interaction?.pending_since) ?? toMs(interaction?.queued_at) ?? toMs(interaction?.created_at)
  if (since === null || !Number.isFinite(nowMs)) return 0
  return Math.max(0, Math.floor((nowMs - since) / 1000))
}

/** Seconds since the oldest unanswered message, or null when the agent has answered everything. */
export function pendingSeconds(interaction, nowMs) {
  const since = toMs(interaction?.pending_since)
  if (since === null || !Number.isFinite(nowMs)) return null
  return Math.max(0, Math.floor((nowMs - since) / 1000))
}

/** "Ready", "Not Ready (Lunch)", "Logged out". */
export function statusLabel(agent) {
  if (agent?.status === "ready") return "Ready"
  if (agent?.status === "logged_out") return "Logged out"
  return agent?.status_reason ? `Not Ready (${agent.status_reason})` : "Not Ready"
}

/** How a waiting interaction stands: "Queued", or "Offered to Bob". */
export function queueState(interaction, agent) {
  if (interaction?.state === "offered") return agent?.name ? `Offered to ${agent.name}` : "Offered"
  return "Queued"
}

/** "87 %" (null: "—"). */
export function formatPercent(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—"
  return `${Math.round(share * 100)} %`
}

/** Seconds as the figures show them: "45 s", "3 min 05 s", "1 h 02 min" (null: "—"). */
export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—"
  const s = Math.round(Math.max(0, seconds))
  if (s < 60) return `${s} s`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`
  return `${m} min ${String(s % 60).padStart(2, "0")} s`
}

/** The day's figures as tiles: [label, value, hint]. */
export function figureTiles(figures, threshold) {
  const f = figures ?? {}
  return [
    ["Offered", String(f.offered ?? 0), "Customers who wrote in today"],
    ["Answered", String(f.answered ?? 0), "An agent joined the chat"],
    ["Abandoned", String(f.abandoned ?? 0), "Ended before anyone answered"],
    ["Waiting", String(f.waiting ?? 0), "Not answered yet"],
    ["Service level", formatPercent(f.service_level), `${f.answered_within ?? 0} answered within ${threshold} s`],
    ["Average wait", formatSeconds(f.average_wait_seconds), "Of answered chats"],
    ["90% waited under", formatSeconds(f.p90_wait_seconds), "p90 wait of answered chats"],
    ["Average handle time", formatSeconds(f.average_handle_seconds), `${f.handled ?? 0} done today, parked time left out`],
  ]
}

/**
 * The charts' series from the intervals: labels in local time ("09:15") and, per slice, the
 * volume offered, how many were abandoned, and the average and p90 wait (null where none).
 * Trimmed to the hours with activity (at least 08:00–18:00 of the day) so bars stay readable.
 */
export function chartSeries(intervals, { locale, timeZone } = {}) {
  const rows = Array.isArray(intervals) ? intervals : []
  const fmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone })
  const active = rows.map((r, i) => ((r.offered ?? 0) > 0 || (r.handled ?? 0) > 0 ? i : -1)).filter((i) => i >= 0)
  const perHour = rows.length > 0 ? Math.max(1, Math.round(rows.length / 24)) : 1
  let first = Math.min(8 * perHour, rows.length)
  let last = Math.min(18 * perHour, rows.length)
  if (active.length) {
    first = Math.min(first, active[0] - (active[0] % perHour))
    last = Math.max(last, active[active.length - 1] + 1)
  }
  const shown = rows.slice(first, last)
  return {
    labels: shown.map((r) => fmt.format(new Date(r.start))),
    offered: shown.map((r) => r.offered ?? 0),
    abandoned: shown.map((r) => r.abandoned ?? 0),
    averageWait: shown.map((r) => r.average_wait_seconds ?? null),
    p90Wait: shown.map((r) => r.p90_wait_seconds ?? null),
  }
}

/** One sentence a screen reader hears for a chart: the busiest slice and the longest wait. */
export function chartSummary(series) {
  const total = series.offered.reduce((a, b) => a + b, 0)
  if (!total) return "No customers have written in yet today."
  const peak = series.offered.indexOf(Math.max(...series.offered))
  const waits = series.averageWait.map((w) => w ?? -1)
  const worst = waits.indexOf(Math.max(...waits))
  const wait = worst >= 0 && waits[worst] >= 0 ? `; longest average wait ${formatSeconds(waits[worst])} at ${series.labels[worst]}` : ""
  return `${total} customers today; busiest at ${series.labels[peak]} with ${series.offered[peak]}${wait}.`
}

/** The contact's name for the floor's lists. */
export function floorContact(interaction) {
  return contactName(interaction)
}

/**
 * The Monitor dialog's line under its title: where the conversation is now, as its events say
 * (an agent, the queue, a workbin, done), always "read only".
 */
export function monitorSubtitle(interaction, agentName) {
  const state = interaction?.state
  if (state === "done") return "Done · read only"
  if (state === "parked" || interaction?.workbin_id) return "Parked in a workbin · read only"
  if (state === "queued" || !agentName) return "Waiting for an agent · read only"
  if (state === "offered") return `Offered to ${agentName} · read only`
  return `With ${agentName} · read only`
}
