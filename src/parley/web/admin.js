// The admins' use cases between the API and the admin pages: users, teams,
// the code lists (dispositions, Not Ready reasons) and the audit log. No DOM.

export const CODE_PATHS = { disposition: "dispositions", not_ready_reason: "not-ready-reasons" }

export class Admin {
  #api

  /** @param {{api: import("./api.js").Api}} o */
  constructor({ api }) {
    this.#api = api
  }

  async users() { return (await this.#api.get("users"))?.items ?? [] }
  createUser(body) { return this.#api.post("users", body) }
  updateUser(id, body) { return this.#api.patch(`users/${id}`, body) }
  resetPassword(id, password = null) { return this.#api.post(`users/${id}/password`, password ? { password } : {}) }
  deactivate(id) { return this.#api.post(`users/${id}/deactivate`) }
  reactivate(id) { return this.#api.post(`users/${id}/reactivate`) }

  async teams() { return (await this.#api.get("teams"))?.items ?? [] }
  createTeam(body) { return this.#api.post("teams", body) }
  updateTeam(id, body) { return this.#api.patch(`teams/${id}`, body) }
  deleteTeam(id) { return this.#api.delete(`teams/${id}`) }
  async sharedWorkbins() {
    const items = (await this.#api.get("workbins"))?.items ?? []
    return items.filter((w) => w.kind === "shared")
  }

  async codes(kind) { return (await this.#api.get(CODE_PATHS[kind]))?.items ?? [] }
  addCode(kind, label) { return this.#api.post(CODE_PATHS[kind], { label }) }
  updateCode(kind, id, body) { return this.#api.patch(`${CODE_PATHS[kind]}/${id}`, body) }
  deleteCode(kind, id) { return this.#api.delete(`${CODE_PATHS[kind]}/${id}`) }
  async orderCodes(kind, ids) { return (await this.#api.put(`${CODE_PATHS[kind]}/order`, { ids }))?.items ?? [] }

  audit(query) { return this.#api.get("audit", query) }
  auditCsvUrl(query) { return String(this.#api.url("audit", { ...query, format: "csv" })) }
}
