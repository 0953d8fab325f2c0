// The agent's use cases, between the API and the store: load, catch up,
// open an interaction, send, accept, reject, mark done, change status. No
// DOM: components call these and show what the store then holds. Errors are
// thrown as ApiError for the caller to show.

import { newClientId as defaultClientId } from "./models/client_id.js"
import { withMyReaction } from "./models/reactions.js"
import { Throttle } from "./models/throttle.js"

const PAGE_SIZE = 50
const MAX_GAP_PAGES = 20
const TYPING_EVERY_MS = 10_000

const UNREACHABLE = new Set(["network_error", "timeout"])

/** What a failed bubble says; `offline` ones are sent again by themselves when the connection is back. */
export function sendFailure(error) {
  if (UNREACHABLE.has(error?.code)) {
    return { title: "Not sent: Parley can’t be reached", offline: true,
      details: "It goes out by itself when the connection is back, where you wrote it." }
  }
  return { title: error?.message || "Not sent", details: error?.code ? `Error code: ${error.code}` : "" }
}

const serverIds = (items) => items.filter((m) => m.id !== null && m.id !== undefined).map((m) => m.id)

export class Desktop {
  #api
  #store
  #now
  #newClientId
  #loading = new Map() // interaction id → promise of its newest-page load
  #loadingOlder = new Map()
  #drafts = new Map() // client_id → {text, replyTo, attachmentIds, composedAt, interactionId} of unsent bubbles
  #resending = new Set() // client_ids being posted again
  #typing = new Throttle(TYPING_EVERY_MS)
  #reading = new Map() // interaction id → the version whose unread count we are clearing
  #parkedTo = new Map() // interaction id → the workbin name the agent moved it to

  /**
   * @param {object} o
   * @param {import("./api.js").Api} o.api
   * @param {import("./store.js").Store} o.store
   * @param {() => number} [o.now] server time in ms
   * @param {() => string} [o.newClientId]
   */
  constructor({ api, store, now = () => Date.now(), newClientId = defaultClientId }) {
    this.#api = api
    this.#store = store
    this.#now = now
    this.#newClientId = newClientId
  }

  get store() { return this.#store }

  /** First load after login: config, then the interactions. */
  async start() {
    const config = await this.#api.get("config").catch(() => null)
    if (config) this.#store.setConfig(config)
    await this.sync()
  }

  /** Reload the interaction list and, if one is open, its transcript. */
  async sync() {
    const mark = this.#store.mark()
    const page = await this.#api.get("interactions")
    this.#store.syncInteractions(page?.items ?? [], mark)
    this.loadTemplates().catch(() => {}) // the pickers keep what they had; events keep it current
    const open = this.#store.selectedId
    if (open !== null) await this.loadNewest(open)
  }

  /** The socket came back: whatever we held may be behind. */
  async catchUp() {
    this.#store.markStale()
    await this.sync()
  }

  /** The network is back: load the open transcript again if it never loaded or its last load failed. */
  async recover() {
    const id = this.#store.selectedId
    if (id === null) return
    const t = this.#store.transcript(id)
    if (!t.loaded || t.failed || t.stale) await this.loadNewest(id)
  }

  /** The agent clicked an interaction. */
  async open(id) {
    this.#store.select(id)
    if (this.#store.selectedId !== String(id)) return
    const t = this.#store.transcript(id)
    if (!t.loaded || t.stale) await this.loadNewest(id)
  }

  /** Fetch the newest page, then older pages until they meet what we held (a reconnect gap). */
  loadNewest(id) {
    const k = String(id)
    if (!this.#loading.has(k)) {
      const run = this.#loadNewest(k)
        .catch((error) => {
          this.#store.failLoad(k)
          throw error
        })
        .finally(() => this.#loading.delete(k))
      this.#loading.set(k, run)
    }
    return this.#loading.get(k)
  }

  async #loadNewest(id) {
    const held = serverIds(this.#store.transcript(id).items)
    const newestHeld = held.length ? Math.max(...held) : null
    let page = await this.#api.get(`interactions/${id}/messages`, { limit: PAGE_SIZE })
    this.#store.loadPage(id, page, "newest")
    for (let n = 0; newestHeld !== null && n < MAX_GAP_PAGES; n++) {
      const ids = serverIds(page?.items ?? [])
      if (!page?.has_more || !ids.length || Math.min(...ids) <= newestHeld) break
      page = await this.#api.get(`interactions/${id}/messages`, { before: Math.min(...ids), limit: PAGE_SIZE })
      this.#store.loadPage(id, page, "gap")
    }
  }

  /** Session events of an interaction, fetched again when its version moved on. */
  async loadEvents(id) {
    const k = String(id)
    const interaction = this.#store.interaction(k)
    if (!interaction || !this.#store.eventsStale(k) || this.#loading.has(`e:${k}`)) return
    const version = interaction.version
    const run = this.#api.get(`interactions/${k}/events`)
      .then((page) => this.#store.setEvents(k, version, page?.items ?? []))
      .catch(() => {}) // the desktop falls back to the interaction's own timestamps
      .finally(() => this.#loading.delete(`e:${k}`))
    this.#loading.set(`e:${k}`, run)
    await run
  }

  /** "See older messages". */
  loadOlder(id) {
    const k = String(id)
    if (!this.#loadingOlder.has(k)) {
      const run = this.#loadOlder(k).finally(() => this.#loadingOlder.delete(k))
      this.#loadingOlder.set(k, run)
    }
    return this.#loadingOlder.get(k)
  }

  async #loadOlder(id) {
    const ids = serverIds(this.#store.transcript(id).items)
    const query = { limit: PAGE_SIZE }
    if (ids.length) query.before = Math.min(...ids)
    const page = await this.#api.get(`interactions/${id}/messages`, query)
    this.#store.loadPage(id, page, ids.length ? "older" : "newest")
  }

  /** Send text: an optimistic bubble now, the server's message when it answers. */
  async send(id, text, { replyTo = null, attachmentIds = [] } = {}) {
    const clientId = this.#newClientId()
    const me = this.#store.me
    const composedAt = new Date(Math.max(this.#now(), this.#newestHeld(id) + 1)).toISOString()
    this.#drafts.set(clientId, { text, replyTo, attachmentIds, composedAt, interactionId: String(id) })
    this.#store.addOptimistic(id, {
      clientId, text: text || (attachmentIds.length ? "Attachment" : ""), replyTo,
      createdAt: composedAt,
      author: me ? { id: me.id, name: me.name } : null,
    })
    this.#typing.reset(String(id))
    await this.#post(id, clientId)
    return clientId
  }

  /** When Parley stored the newest message the agent has of an interaction (ms; 0 for none). A
   * reply was written after everything on screen, whatever the estimate of the server's clock. */
  #newestHeld(id) {
    let newest = 0
    for (const m of this.#store.transcript(id).items) {
      const at = m.local ? NaN : Date.parse(m.created_at ?? "")
      if (at > newest) newest = at
    }
    return newest
  }

  /**
   * Send uploaded files (`attachmentIds`), with or without text. The server answers with the
   * first message (text first, or a captioned file); the others arrive as message.created.
   */
  async sendFiles(id, text, attachmentIds, { replyTo = null } = {}) {
    const body = { attachment_ids: attachmentIds, client_id: this.#newClientId() }
    if (text) body.text = text
    if (replyTo?.id !== undefined && replyTo?.id !== null) body.reply_to = replyTo.id
    this.#typing.reset(String(id))
    const message = await this.#api.post(`interactions/${id}/messages`, body)
    if (message) this.#store.putMessages([{ ...message, interaction_id: message.interaction_id ?? id }])
    return message
  }

  /** An attachment's name, type and size (GET attachments/{id}/meta). */
  attachmentMeta(attachmentId) {
    return this.#api.get(`attachments/${attachmentId}/meta`)
  }

  /** Upload a file for the composer (progress as `onProgress(loaded, total)`). */
  upload(file, name, options) {
    return this.#api.upload(file, name, options)
  }

  /**
   * A reply with a standard response's attachments: the text first as its own message, then
   * each attachment as its own message, in order (each POST answered before the next, so the
   * server queues them in this order; the outbox keeps it per contact across retries).
   */
  async sendResponse(id, text, attachmentIds = [], { replyTo = null } = {}) {
    if (text) await this.send(id, text, { replyTo })
    for (const attachmentId of attachmentIds) await this.send(id, "", { attachmentIds: [attachmentId] })
  }

  /**
   * Send a failed bubble again, with the same client_id (the server never sends it twice) and
   * the time the agent first pressed Send: the transcript keeps it there, marked as sent late.
   */
  async retry(id, clientId) {
    if (!this.#drafts.has(clientId) || this.#resending.has(clientId)) return
    this.#resending.add(clientId)
    try {
      this.#store.retryOptimistic(id, clientId)
      await this.#post(id, clientId, { late: true })
    } finally {
      this.#resending.delete(clientId)
    }
  }

  /**
   * The connection is back: send again, oldest first, every reply that failed only because
   * Parley could not be reached. Each interaction's replies go one after the other, so they
   * leave in the order they were written. Their Retry buttons stay until then.
   */
  async resendOffline() {
    const byInteraction = new Map()
    for (const [clientId, draft] of this.#drafts) {
      const held = this.#store.transcript(draft.interactionId).items
        .find((m) => m.local && m.client_id === clientId)
      if (held?.status !== "failed" || !held.error?.offline) continue
      byInteraction.set(draft.interactionId, [...(byInteraction.get(draft.interactionId) ?? []), held])
    }
    await Promise.all([...byInteraction].map(async ([id, bubbles]) => {
      for (const bubble of bubbles.sort((a, b) => a.local_seq - b.local_seq)) await this.retry(id, bubble.client_id)
    }))
  }

  discard(id, clientId) {
    this.#drafts.delete(clientId)
    this.#store.discardOptimistic(id, clientId)
  }

  async #post(id, clientId, { late = false } = {}) {
    const { text, replyTo, attachmentIds = [], composedAt } = this.#drafts.get(clientId)
    const body = { client_id: clientId }
    if (text) body.text = text
    if (attachmentIds.length) body.attachment_ids = attachmentIds
    if (replyTo?.id !== undefined && replyTo?.id !== null) body.reply_to = replyTo.id
    if (late) body.composed_at = composedAt
    try {
      const message = await this.#api.post(`interactions/${id}/messages`, body)
      this.#drafts.delete(clientId)
      if (message) this.#store.putMessages([{ ...message, interaction_id: message.interaction_id ?? id }])
    } catch (error) {
      this.#store.failOptimistic(id, clientId, sendFailure(error))
    }
  }

  /** React to a message with an emoji ("" removes the agent's reaction); shown at once, undone on failure. */
  async react(id, messageId, emoji) {
    const held = this.#store.transcript(id).items.find((m) => m.id === messageId)
    if (held) this.#store.putMessages([withMyReaction(held, emoji, new Date(this.#now()).toISOString())])
    try {
      const answer = await this.#api.put(`interactions/${id}/messages/${messageId}/reaction`, { emoji })
      // the answer may be the reacted message or the reaction message; either merges by id
      if (answer && typeof answer === "object" && answer.id !== undefined) {
        this.#store.putMessages([{ ...answer, interaction_id: answer.interaction_id ?? id }])
      }
    } catch (error) {
      if (held) this.#store.replaceMessage(id, held)
      throw error
    }
  }

  /**
   * The agent has the interaction in front of them (page visible and focused):
   * clear its unread count, which also marks the messages read on WhatsApp
   * when the server's setting allows. One request per version.
   */
  async markRead(id) {
    const k = String(id)
    const interaction = this.#store.interaction(k)
    if (!interaction || !(interaction.unread_count > 0)) return false
    if (this.#reading.get(k) === interaction.version) return false
    this.#reading.set(k, interaction.version)
    try {
      const answer = await this.#api.post(`interactions/${k}/read`)
      if (answer) this.#store.putInteraction(answer)
      return true
    } catch {
      this.#reading.delete(k) // try again on the next look
      return false
    }
  }

  /** A key press in the composer: tell the customer the agent is typing, at most every 10 s. */
  typing(id) {
    if (this.#store.config.send_typing_indicator === false) return false
    if (!this.#typing.take(String(id), this.#now())) return false
    this.#api.post(`interactions/${id}/typing`).catch(() => {}) // a hint; never worth an error
    return true
  }

  accept(id) { return this.#act(id, "accept") }
  reject(id) { return this.#act(id, "reject") }
  /** The dispositions Mark Done takes now (the active ones, in order); the store keeps them. */
  async loadDispositions() {
    const page = await this.#api.get("dispositions")
    const labels = (page?.items ?? []).filter((c) => c.active).map((c) => c.label)
    this.#store.setConfig({ dispositions: labels })
    return labels
  }

  markDone(id, { disposition, note } = {}) {
    const body = {}
    if (disposition) body.disposition = disposition
    if (note && note.trim()) body.note = note.trim()
    return this.#act(id, "done", body)
  }

  async #act(id, verb, body = {}) {
    const interaction = await this.#api.post(`interactions/${id}/${verb}`, body)
    if (interaction) this.#store.putInteraction(interaction)
    return interaction
  }

  /** "Create new session": the interaction gets a new outbound session (the old one ended). */
  newSession(id) {
    return this.#act(id, "sessions")
  }

  /** "Create new chat": a new outbound interaction with the contact, opened at once. */
  async startChat(contactId) {
    const interaction = await this.#api.post(`contacts/${contactId}/chats`)
    if (interaction) {
      this.#store.putInteraction(interaction)
      await this.open(interaction.id)
    }
    return interaction
  }

  // The Contact Directory and My History: read-through, nothing kept in the store.
  searchContacts(q) {
    return this.#api.get("contacts", q ? { q } : {})
  }

  contact(id) {
    return this.#api.get(`contacts/${id}`)
  }

  editContact(id, body) {
    return this.#api.patch(`contacts/${id}`, body)
  }

  contactHistory(id) {
    return this.#api.get(`contacts/${id}/history`)
  }

  /** The messages of one past interaction (`interactionId`) of a contact, oldest first. */
  pastTranscript(contactId, interactionId) {
    return this.#api.get(`contacts/${contactId}/messages`, { interaction_id: interactionId, limit: 200 })
  }

  history(params) {
    return this.#api.get("history", params)
  }

  mergeContacts(keptId, mergeId) {
    return this.#api.post(`contacts/${keptId}/merge`, { merge_id: mergeId })
  }

  // ── workbins ─────────────────────────────────────────────────────────

  /**
   * Move to Workbin: the interaction leaves the desk (the server's answer is parked, which the
   * store lets go). `workbinId` null means the agent's personal workbin. `workbinName` is kept
   * so the notice can say where it went, whichever arrives first, the answer or the event.
   */
  async moveToWorkbin(id, { workbinId = null, workbinName = "", reason = "" } = {}) {
    const body = {}
    if (workbinId !== null && workbinId !== undefined) body.workbin_id = Number(workbinId)
    if (reason && reason.trim()) body.reason = reason.trim()
    this.#parkedTo.set(String(id), workbinName)
    try {
      const interaction = await this.#api.post(`interactions/${id}/workbin`, body)
      if (interaction) this.#store.putInteraction(interaction)
      return interaction
    } catch (error) {
      this.#parkedTo.delete(String(id))
      throw error
    }
  }

  /** Where the agent just moved an interaction ("" when they did not: a logout, a supervisor). */
  parkedTo(id) {
    return this.#parkedTo.get(String(id)) ?? ""
  }

  /** The workbins the agent sees, into the store's `workbins` collection. */
  async loadWorkbins() {
    const page = await this.#api.get("workbins")
    this.#store.setCollection("workbins", page?.items ?? [])
    return this.#store.collection("workbins")
  }

  /** A workbin's parked items, into the collection `workbin:<id>`. */
  async loadWorkbinItems(workbinId) {
    const page = await this.#api.get(`workbins/${workbinId}/items`)
    this.#store.setWorkbinItems(workbinId, page?.items ?? [])
    return this.#store.workbinItems(workbinId)
  }

  /** The newest page of a parked item's transcript, read only (not kept in the store). */
  async parkedTranscript(id) {
    return await this.#api.get(`interactions/${id}/messages`, { limit: PAGE_SIZE })
  }

  /** Open: a parked interaction comes back to the agent's desk, active (409 at_capacity otherwise). */
  async openFromWorkbin(id, workbinId = null) {
    const interaction = await this.#api.post(`interactions/${id}/open`)
    if (workbinId !== null) this.#store.removeWorkbinItem(id, workbinId)
    if (interaction) this.#store.putInteraction(interaction)
    return interaction
  }

  async setStatus(status, reason = null) {
    const body = reason ? { status, reason } : { status }
    const user = await this.#api.put("me/status", body)
    if (user) this.#store.setMe(user)
    return user
  }

  // ── the Standard Response Library and notifications ──────────────────

  /** The approved templates (collection "templates"); `template.updated` keeps it current. */
  async loadTemplates() {
    const page = await this.#api.get("templates")
    this.#store.setCollection("templates", page?.items ?? [])
  }

  /** Categories and every response (collections "response-categories", "responses"). */
  async loadLibrary() {
    const [categories, responses] = await Promise.all([
      this.#api.get("response-categories"), this.#api.get("responses")])
    this.#store.setCollection("response-categories", categories?.items ?? [])
    this.#store.setCollection("responses", responses?.items ?? [])
  }

  /** Responses whose name or text hold every word of `query` (the server's search). */
  async searchResponses(query) {
    const page = await this.#api.get("responses", { q: query })
    return page?.items ?? []
  }

  /** A response filled for an interaction, dates in the agent's locale and time zone. */
  fillResponse(responseId, interactionId, { locale, timeZone } = {}) {
    const query = { interaction_id: interactionId }
    if (locale) query.locale = locale
    if (timeZone) query.time_zone = timeZone
    return this.#api.get(`responses/${responseId}/filled`, query)
  }

  /** Send one template message with exactly `parameters`; the transcript shows it at once. */
  async sendNotification(id, { template, language, parameters }) {
    const body = { template, language, parameters, client_id: this.#newClientId() }
    const message = await this.#api.post(`interactions/${id}/notifications`, body)
    if (message) this.#store.putMessages([{ ...message, interaction_id: message.interaction_id ?? id }])
    return message
  }

  // ── admin: the library's categories, responses and file ──────────────

  /** Create (no `id`) or update a category or a response, then reload the library. */
  async saveLibraryItem(kind, item) {
    const path = kind === "category" ? "response-categories" : "responses"
    const { id, ...body } = item
    const saved = id ? await this.#api.put(`${path}/${id}`, body) : await this.#api.post(path, body)
    await this.loadLibrary()
    return saved
  }

  async deleteLibraryItem(kind, id) {
    await this.#api.delete(`${kind === "category" ? "response-categories" : "responses"}/${id}`)
    await this.loadLibrary()
  }

  /** Merge a library file (the export's JSON or YAML) into the library. */
  async importLibrary(text, format) {
    const result = await this.#api.postText("responses/import", text,
      format === "yaml" ? "application/yaml" : "application/json", { format })
    await this.loadLibrary()
    return result
  }

  /** Read the business account's templates from WhatsApp now. */
  async syncTemplates() {
    const result = await this.#api.post("templates/sync")
    await this.loadTemplates()
    return result
  }
}
