// The supervisor's use cases on the floor, over the public API: the snapshot,
// moving work, setting an agent's status, monitoring a conversation. No DOM.

export class Supervisor {
  #api

  /** @param {{api: import("./api.js").Api}} o */
  constructor({ api }) {
    this.#api = api
  }

  /** GET floor with the figures from `sinceMs` (the desk's local midnight). */
  floor(sinceMs) {
    return this.#api.get("floor", { since: new Date(sinceMs).toISOString() })
  }

  /** Offer the interaction to another agent (409 at_capacity / agent_unavailable with the reason). */
  moveToAgent(interactionId, agentId) {
    return this.#api.post(`interactions/${interactionId}/assign`, { agent_id: Number(agentId) })
  }

  moveToWorkbin(interactionId, workbinId, reason = "") {
    const body = { workbin_id: Number(workbinId) }
    if (reason.trim()) body.reason = reason.trim()
    return this.#api.post(`interactions/${interactionId}/workbin`, body)
  }

  setAgentStatus(agentId, status, reason = null) {
    return this.#api.put(`agents/${agentId}/status`, reason ? { status, reason } : { status })
  }

  /** Record the look (audit log), then the newest page of the transcript. */
  async monitor(interactionId) {
    const interaction = await this.#api.post(`interactions/${interactionId}/monitor`)
    const page = await this.#api.get(`interactions/${interactionId}/messages`, { limit: 50 })
    return { interaction, page }
  }
}

/** The instant the local day began, in ms: the floor's figures are "today" where the supervisor sits. */
export function startOfLocalDay(nowMs) {
  const day = new Date(nowMs)
  day.setHours(0, 0, 0, 0)
  return day.getTime()
}
