// The desktop's state: the agent, the interactions they hold and the messages
// of each. Pure (no DOM, no network): events and REST pages go in through
// methods, listeners hear which topic changed. Ordering rules live here:
//   - an interaction event older than the held `version` is dropped, and so is
//     one for an interaction removed at a later version (tombstones);
//   - messages are de-duplicated by id, and an optimistic bubble is replaced
//     by the server's message carrying the same client_id;
//   - a message status never moves backwards (models/delivery.js).

import { mergeStatus } from "./models/delivery.js"
import { normalizeThresholds } from "./models/pending_timer.js"

/** States in which an interaction sits in the agent's interaction bar. */
export const HELD_STATES = new Set(["offered", "active"])

// outcomes: id → how the contact's earlier interactions on the loaded pages ended (never mutated: replaced)
const EMPTY_TRANSCRIPT = Object.freeze({
  items: Object.freeze([]), outcomes: new Map(), hasMore: false, loaded: false, stale: false, failed: false,
})

/** The collection holding one workbin's parked items. */
export const workbinCollection = (workbinId) => `workbin:${workbinId}`

const key = (id) => (id === null || id === undefined ? null : String(id))
const hasVersion = (x) => typeof x?.version === "number"

function compareMessages(a, b) {
  const aLocal = a.id === null || a.id === undefined
  const bLocal = b.id === null || b.id === undefined
  if (aLocal !== bLocal) return aLocal ? 1 : -1
  if (aLocal) return a.local_seq - b.local_seq
  return a.id - b.id
}

/** Merge incoming messages into a list: de-dup by id, then by client_id; keep order. */
export function mergeMessages(list, incoming) {
  const next = list.slice()
  const byId = new Map()
  const byClientId = new Map()
  next.forEach((m, i) => {
    if (m.id !== null && m.id !== undefined) byId.set(m.id, i)
    if (m.client_id) byClientId.set(m.client_id, i)
  })
  for (const message of incoming) {
    if (!message || typeof message !== "object") continue
    let index = byId.get(message.id)
    if (index === undefined && message.client_id) index = byClientId.get(message.client_id)
    if (index === undefined) {
      index = next.push(message) - 1
    } else {
      next[index] = mergeMessage(next[index], message)
    }
    if (message.id !== null && message.id !== undefined) byId.set(message.id, index)
    if (message.client_id) byClientId.set(message.client_id, index)
  }
  return next.sort(compareMessages)
}

/** Every page's `interactions` kept, keyed by id: an older page's outcome stays after a newer page. */
function mergeOutcomes(held = new Map(), incoming) {
  if (!Array.isArray(incoming) || !incoming.length) return held
  const next = new Map(held)
  for (const o of incoming) if (o && o.id !== null && o.id !== undefined) next.set(String(o.id), o)
  return next
}

function mergeMessage(held, incoming) {
  const incomingLocal = incoming.id === null || incoming.id === undefined
  if (held.local && !incomingLocal) return incoming // the server's word replaces our guess
  if (!held.local && incomingLocal) return held // a stale local copy never replaces a real one
  const status = mergeStatus(held.status, incoming.status)
  const error = status === incoming.status ? incoming.error ?? null : held.error ?? null
  return { ...held, ...incoming, status, error }
}

export class Store {
  #me = null
  #config = {
    pending_response_thresholds: [30, 50], text_limit: 4096, dispositions: [], disposition_required: false,
    send_typing_indicator: true, send_read_receipts: true,
  }
  #interactions = new Map()
  #tombstones = new Map() // id → version at removal
  #gone = new Map() // id → the interaction last removed, until its interaction.removed names the reason
  #changedAt = new Map() // id → sequence number of its last change
  #transcripts = new Map()
  #seen = new Map() // id → unread_count the agent has already seen
  #events = new Map() // id → {version, items} from GET interactions/{id}/events
  #selectedId = null
  #connection = "connecting"
  #seq = 0
  #localSeq = 0
  #listeners = new Set()
  #collections = new Map() // name → Map(id → item): parked items, history, responses, …

  subscribe(listener) {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(topic, id = null, detail = {}) {
    for (const listener of [...this.#listeners]) listener({ ...detail, topic, id })
  }

  // ── collections ──────────────────────────────────────────────────────
  // Lists a view keeps beside the held interactions (a workbin's items, my
  // history, the response library): each keyed by `id`, each change heard as
  // {topic: "collection", name, id}.

  /** The items of a collection, in the order they were set (new ones last). */
  collection(name) {
    return [...(this.#collections.get(name)?.values() ?? [])]
  }

  collectionItem(name, id) {
    return this.#collections.get(name)?.get(key(id)) ?? null
  }

  /** Replace a collection's items (a fresh page from the REST API). */
  setCollection(name, items) {
    const next = new Map()
    for (const item of Array.isArray(items) ? items : []) {
      if (item && item.id !== null && item.id !== undefined) next.set(key(item.id), item)
    }
    this.#collections.set(name, next)
    this.#emit("collection", null, { name })
  }

  /** Add or update one item (an event); an older `version` than the one held is dropped. */
  putCollectionItem(name, item) {
    if (!item || item.id === null || item.id === undefined) return
    const held = this.#collections.get(name) ?? new Map()
    const current = held.get(key(item.id))
    if (hasVersion(current) && hasVersion(item) && item.version < current.version) return
    held.set(key(item.id), item)
    this.#collections.set(name, held)
    this.#emit("collection", key(item.id), { name })
  }

  removeCollectionItem(name, id) {
    if (this.#collections.get(name)?.delete(key(id))) this.#emit("collection", key(id), { name })
  }

  // ── workbins ─────────────────────────────────────────────────────────
  // A workbin's parked items are the collection `workbin:<id>`, keyed by the
  // interaction's id (an item names it `interaction_id`).

  /** Hold a parked item in its workbin's collection, and take it out of any other it was in (moved). */
  putWorkbinItem(item) {
    if (!item || item.interaction_id === null || item.interaction_id === undefined) return false
    const target = workbinCollection(item.workbin_id)
    for (const name of this.#collections.keys()) {
      if (name !== target && name.startsWith("workbin:")) this.removeCollectionItem(name, item.interaction_id)
    }
    this.putCollectionItem(target, { ...item, id: item.interaction_id })
    return true
  }

  /** The item left its workbin (opened, the contact wrote, moved, closed). */
  removeWorkbinItem(interactionId, workbinId) {
    const name = workbinCollection(workbinId)
    const held = this.collectionItem(name, interactionId) !== null
    this.removeCollectionItem(name, interactionId)
    if (!held) this.#emit("collection", key(interactionId), { name })
    return held
  }

  /** Replace a workbin's items with a fresh GET workbins/{id}/items answer. */
  setWorkbinItems(workbinId, items) {
    this.setCollection(workbinCollection(workbinId),
      (Array.isArray(items) ? items : []).map((item) => ({ ...item, id: item.interaction_id })))
  }

  workbinItems(workbinId) {
    return this.collection(workbinCollection(workbinId))
  }

  // ── reading ──────────────────────────────────────────────────────────
  get me() { return this.#me }
  get config() { return this.#config }
  get thresholds() { return normalizeThresholds(this.#config.pending_response_thresholds) }
  get selectedId() { return this.#selectedId }
  get connection() { return this.#connection }

  /** Held interactions in a stable order (oldest first). */
  interactions() {
    return [...this.#interactions.values()].sort((a, b) =>
      String(a.created_at ?? "").localeCompare(String(b.created_at ?? "")) || a.id - b.id)
  }

  interaction(id) {
    return this.#interactions.get(key(id)) ?? null
  }

  transcript(id) {
    return this.#transcripts.get(key(id)) ?? EMPTY_TRANSCRIPT
  }

  /** The server's session events of an interaction, or null when not loaded. */
  events(id) {
    return this.#events.get(key(id))?.items ?? null
  }

  /** Whether the events held are older than the interaction (its version moved on). */
  eventsStale(id) {
    const k = key(id)
    return this.#events.get(k)?.version !== this.#interactions.get(k)?.version
  }

  setEvents(id, version, items) {
    this.#events.set(key(id), { version, items: Array.isArray(items) ? items : [] })
    this.#emit("events", key(id))
  }

  /** Unread messages to show for an interaction: none for the open one. */
  unread(id) {
    const k = key(id)
    const interaction = this.#interactions.get(k)
    if (!interaction || k === this.#selectedId) return 0
    return Math.max(0, (interaction.unread_count ?? 0) - (this.#seen.get(k) ?? 0))
  }

  pendingIds() {
    return this.interactions().filter((i) => i.pending_since).map((i) => String(i.id))
  }

  /** A sequence number: pass it to syncInteractions() with the REST answer fetched after it. */
  mark() {
    return this.#seq
  }

  // ── the agent and the connection ─────────────────────────────────────
  setMe(user) {
    this.#me = user ?? null
    this.#emit("me")
  }

  setConfig(config) {
    this.#config = { ...this.#config, ...(config ?? {}) }
    this.#emit("config")
  }

  setConnection(state) {
    if (state === this.#connection) return
    this.#connection = state
    this.#emit("connection")
  }

  select(id) {
    const k = key(id)
    if (k === this.#selectedId) return
    for (const held of [this.#selectedId, k]) {
      const interaction = held && this.#interactions.get(held)
      if (interaction) this.#seen.set(held, interaction.unread_count ?? 0)
    }
    this.#selectedId = k && this.#interactions.has(k) ? k : null
    this.#emit("selection", this.#selectedId)
  }

  // ── events ───────────────────────────────────────────────────────────
  /** Apply one event from the socket; returns whether anything changed. */
  apply(event) {
    switch (event?.type) {
      case "interaction.offered":
      case "interaction.updated":
        return this.putInteraction(event.interaction)
      case "interaction.removed":
        return this.#removedByServer(event.interaction_id ?? event.interaction?.id, event.reason, event.notice)
      case "message.created":
      case "message.updated":
        return this.putMessages([event.message])
      case "workbin.item_updated":
        return this.putWorkbinItem(event.item)
      case "workbin.item_removed":
        return this.removeWorkbinItem(event.interaction_id, event.workbin_id)
      case "workbin.updated":
        if (!event.workbin) return false
        this.putCollectionItem("workbins", event.workbin)
        return true
      case "workbin.removed":
        this.#collections.delete(workbinCollection(event.workbin_id))
        this.removeCollectionItem("workbins", event.workbin_id)
        return true
      case "template.updated": // only approved templates are offered; others leave at once
        if (!event.template) return false
        if (String(event.template.status).toUpperCase() === "APPROVED") this.putCollectionItem("templates", event.template)
        else this.removeCollectionItem("templates", event.template.id)
        return true
      case "codes.updated": // an admin changed the dispositions or the Not Ready reasons
        if (!Array.isArray(event.labels)) return false
        this.setConfig({ [event.kind === "disposition" ? "dispositions" : "not_ready_reasons"]: event.labels })
        return true
      case "team.updated":
      case "team.removed":
        this.#emit("teams")
        return true
      case "agent.updated":
        if (!event.agent || (this.#me && event.agent.id !== this.#me.id)) return false
        this.setMe(event.agent)
        return true
      default:
        return false
    }
  }

  /** Hold a newer version of an interaction (or drop it if it is older, or not ours any more). */
  putInteraction(interaction) {
    if (!interaction || interaction.id === null || interaction.id === undefined) return false
    const k = key(interaction.id)
    const held = this.#interactions.get(k)
    if (hasVersion(interaction)) {
      if (held && hasVersion(held) && interaction.version <= held.version) return false
      const removedAt = this.#tombstones.get(k)
      if (!held && removedAt !== undefined && interaction.version <= removedAt) return false
    }
    const owner = interaction.agent_id
    const mine = !this.#me || owner === null || owner === undefined || owner === this.#me.id
    if (!HELD_STATES.has(interaction.state) || !mine) {
      return held ? this.#remove(k, interaction.version) : this.#tombstone(k, interaction.version)
    }
    this.#tombstones.delete(k)
    this.#interactions.set(k, interaction)
    this.#changedAt.set(k, ++this.#seq)
    const seen = this.#seen.get(k)
    if (k === this.#selectedId || (seen !== undefined && (interaction.unread_count ?? 0) < seen)) {
      this.#seen.set(k, interaction.unread_count ?? 0)
    }
    this.#emit("interactions", k)
    return true
  }

  removeInteraction(id) {
    const k = key(id)
    return this.#interactions.has(k) ? this.#remove(k) : false
  }

  /** The server took it away: listeners hear "removed" with why and what it was, to tell the agent. */
  #removedByServer(id, reason, notice = null) {
    const k = key(id)
    // An interaction.updated (state done, queued…) may have removed it a moment before.
    const interaction = this.#interactions.get(k) ?? this.#gone.get(k) ?? null
    const changed = this.removeInteraction(id)
    this.#gone.delete(k)
    if (interaction) this.#emit("removed", k, { reason: reason ?? null, interaction, notice: notice ?? null })
    return changed
  }

  #tombstone(k, version) {
    const before = this.#tombstones.get(k) ?? -Infinity
    this.#tombstones.set(k, typeof version === "number" ? Math.max(before, version) : before)
    this.#changedAt.set(k, ++this.#seq)
    return false
  }

  #remove(k, version) {
    const held = this.#interactions.get(k)
    this.#tombstone(k, typeof version === "number" ? version : held?.version)
    this.#interactions.delete(k)
    if (held) this.#gone.set(k, held)
    if (this.#gone.size > 20) this.#gone.delete(this.#gone.keys().next().value)
    this.#transcripts.delete(k)
    this.#seen.delete(k)
    this.#events.delete(k)
    this.#emit("interactions", k)
    if (this.#selectedId === k) {
      this.#selectedId = null
      this.#emit("selection", null)
    }
    return true
  }

  /**
   * Reconcile with GET /interactions fetched after `mark`: newer versions win,
   * and a held interaction missing from the answer goes, unless an event
   * touched it after the request left (it may be newer than the answer).
   */
  syncInteractions(items, mark) {
    const listed = new Set()
    for (const interaction of items ?? []) {
      listed.add(key(interaction.id))
      this.putInteraction(interaction)
    }
    for (const k of [...this.#interactions.keys()]) {
      if (!listed.has(k) && (this.#changedAt.get(k) ?? 0) <= mark) this.#remove(k)
    }
  }

  // ── messages ─────────────────────────────────────────────────────────
  putMessages(messages) {
    const byInteraction = new Map()
    for (const m of messages) {
      if (!m || m.interaction_id === null || m.interaction_id === undefined) continue
      const k = key(m.interaction_id)
      byInteraction.set(k, [...(byInteraction.get(k) ?? []), m])
    }
    for (const [k, list] of byInteraction) this.#merge(k, list)
    return byInteraction.size > 0
  }

  #merge(k, messages, changes = {}) {
    const held = this.#transcripts.get(k) ?? EMPTY_TRANSCRIPT
    const next = { ...held, ...changes, items: mergeMessages(held.items, messages) }
    this.#transcripts.set(k, next)
    this.#emit("messages", k)
    return next
  }

  /**
   * Merge one page of GET /interactions/{id}/messages. mode: "newest" (first
   * load or catch-up), "older" (See older messages) or "gap" (pages fetched
   * to fill a hole after a reconnect: they never change has_more).
   */
  loadPage(interactionId, page, mode = "newest") {
    const k = key(interactionId)
    const held = this.#transcripts.get(k) ?? EMPTY_TRANSCRIPT
    const changes = { loaded: true, failed: false }
    if (mode === "older" || (mode === "newest" && !held.loaded)) changes.hasMore = Boolean(page?.has_more)
    if (mode === "newest") changes.stale = false
    changes.outcomes = mergeOutcomes(held.outcomes, page?.interactions)
    return this.#merge(k, page?.items ?? [], changes)
  }

  /** The newest page could not be fetched: the transcript offers Retry until a load succeeds. */
  failLoad(interactionId) {
    const k = key(interactionId)
    const held = this.#transcripts.get(k) ?? EMPTY_TRANSCRIPT
    this.#transcripts.set(k, { ...held, failed: true })
    this.#emit("messages", k)
  }

  /** After a reconnect every loaded transcript may have missed messages. */
  markStale() {
    for (const [k, t] of this.#transcripts) {
      if (t.loaded) this.#transcripts.set(k, { ...t, stale: true })
    }
  }

  /** The agent pressed Send: show the bubble before the server answers. */
  addOptimistic(interactionId, { clientId, text, replyTo = null, createdAt, author = null }) {
    const message = {
      id: null, interaction_id: interactionId, client_id: clientId, direction: "out", type: "text",
      text, content: {}, status: "pending", error: null, reply_to: replyTo, author,
      created_at: createdAt, timestamp: createdAt, local: true, local_seq: ++this.#localSeq,
    }
    this.#merge(key(interactionId), [message])
    return message
  }

  #updateLocal(interactionId, clientId, change) {
    const k = key(interactionId)
    const t = this.#transcripts.get(k)
    const index = t?.items.findIndex((m) => m.local && m.client_id === clientId) ?? -1
    if (index < 0) return null
    const items = t.items.slice()
    if (change === null) items.splice(index, 1)
    else items[index] = { ...items[index], ...change }
    this.#transcripts.set(k, { ...t, items })
    this.#emit("messages", k)
    return change === null ? null : items[index]
  }

  /** Put back a message exactly as it was (an optimistic change the server refused). */
  replaceMessage(interactionId, message) {
    const k = key(interactionId)
    const t = this.#transcripts.get(k)
    const index = t?.items.findIndex((m) => m.id === message.id) ?? -1
    if (index < 0) return
    const items = t.items.slice()
    items[index] = message
    this.#transcripts.set(k, { ...t, items })
    this.#emit("messages", k)
  }

  /** The POST failed before the server took the message. */
  failOptimistic(interactionId, clientId, { title, details = "", offline = false }) {
    return this.#updateLocal(interactionId, clientId, { status: "failed", error: { title, details, offline } })
  }

  /** Posted again: `resent` keeps the bubble where it was written (models/late_replies.js). */
  retryOptimistic(interactionId, clientId) {
    return this.#updateLocal(interactionId, clientId, { status: "pending", error: null, resent: true })
  }

  discardOptimistic(interactionId, clientId) {
    this.#updateLocal(interactionId, clientId, null)
  }
}
