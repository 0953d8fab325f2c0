// <parley-admin-teams>: the Teams page. The teams beside the chosen one's form:
// name, description, members (any active user), the shared workbins it uses.

import { h, replace } from "./dom.js"

export class ParleyAdminTeams extends HTMLElement {
  #ctx
  #teams = []
  #users = []
  #workbins = []
  #selected = null // a team id, or "new"
  #list
  #detail
  #status
  #ready = Promise.resolve()

  connect(ctx) { this.#ctx = ctx }

  connectedCallback() {
    if (this.firstChild) return
    this.#list = h("div", { class: "view-list-body", role: "list", "aria-label": "Teams" })
    this.#detail = h("section", { class: "view-detail", "aria-label": "Team details" })
    this.#status = h("p", { class: "admin-status", role: "status" })
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, "Teams"),
        h("button", { type: "button", class: "btn btn-primary", onclick: () => this.#choose("new") }, "New team")),
      this.#status,
      h("div", { class: "view-split" }, h("div", { class: "view-list" }, this.#list), this.#detail))
    this.#render()
  }

  /** The view became visible: load the lists (a form opened meanwhile waits for them). */
  shown() {
    this.#ready = this.#load()
    return this.#ready
  }

  async #load() {
    try {
      ;[this.#teams, this.#users, this.#workbins] = await Promise.all([
        this.#ctx.admin.teams(), this.#ctx.admin.users(), this.#ctx.admin.sharedWorkbins()])
      this.#render({ keepForm: true })
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  #say(text, error = false) {
    this.#status.textContent = text
    this.#status.dataset.error = error ? "true" : ""
  }

  async #choose(id) {
    this.#selected = id
    this.#say("")
    await this.#ready // the teams, users and workbins the form offers
    this.#render()
  }

  /** `keepForm`: a form being filled in stays as it is (a reload must not wipe what was typed). */
  #render({ keepForm = false } = {}) {
    replace(this.#list, this.#teams.length ? this.#teams.map((t) => h("div", { role: "listitem" },
      h("button", { type: "button", class: "admin-row", "aria-current": String(t.id === this.#selected), onclick: () => this.#choose(t.id) },
        h("span", { class: "admin-row-main" }, h("strong", {}, t.name)),
        h("span", { class: "admin-row-meta muted" },
          `${t.members.length} ${t.members.length === 1 ? "member" : "members"} · ${t.workbins.length} ${t.workbins.length === 1 ? "workbin" : "workbins"}`))))
      : h("p", { class: "muted view-empty" }, "No teams yet. Without teams every agent sees every shared workbin."))
    if (!keepForm || !this.#detail.querySelector("form")) this.#renderDetail()
  }

  #renderDetail() {
    const isNew = this.#selected === "new"
    const team = isNew ? null : this.#teams.find((t) => t.id === this.#selected)
    if (!isNew && !team) {
      replace(this.#detail, h("p", { class: "muted view-empty" }, "Choose a team, or New team."))
      return
    }
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "100", value: team?.name ?? "" })
    const description = h("textarea", { name: "description", rows: "2", maxlength: "500" })
    description.value = team?.description ?? ""
    const members = new Set((team?.members ?? []).map((m) => m.id))
    const workbins = new Set((team?.workbins ?? []).map((w) => w.id))
    const checks = (legend, items, chosen, label, empty) => h("fieldset", { class: "admin-checks" }, h("legend", {}, legend),
      items.length ? items.map((item) => h("label", { class: "admin-check" },
        h("input", { type: "checkbox", value: String(item.id), checked: chosen.has(item.id),
          onchange: (e) => { if (e.target.checked) chosen.add(item.id); else chosen.delete(item.id) } }), label(item)))
        : h("p", { class: "muted" }, empty))
    const people = this.#users.filter((u) => u.active || members.has(u.id))
    const form = h("form", { class: "admin-edit", "aria-label": isNew ? "New team" : `Edit ${team.name}`,
      onsubmit: (e) => {
        e.preventDefault()
        this.#save(team, { name: name.value.trim(), description: description.value.trim(),
          member_ids: [...members], workbin_ids: [...workbins] })
      } },
    h("h3", {}, isNew ? "New team" : team.name),
    h("label", { class: "admin-field" }, h("span", {}, "Name"), name),
    h("label", { class: "admin-field" }, h("span", {}, "Description"), description),
    h("div", { class: "admin-columns" },
      checks("Members", people, members, (u) => [u.name, h("span", { class: "muted" }, u.active ? ` ${u.role}` : ` ${u.role}, deactivated`)], "No users yet."),
      checks("Shared workbins", this.#workbins, workbins, (w) => w.name,
        "No shared workbins yet: admins make them from the Workbins view.")),
    h("p", { class: "muted admin-hint" }, "Agents of this team see its shared workbins and the ones no team uses; agents in no team see every shared workbin. A supervisor limited to their teams sees only their members."),
    h("div", { class: "admin-actions" },
      team ? h("button", { type: "button", class: "btn btn-ghost", onclick: () => this.#delete(team) }, "Delete team") : null,
      h("button", { type: "submit", class: "btn btn-primary" }, isNew ? "Create team" : "Save")))
    replace(this.#detail, form)
  }

  async #save(team, body) {
    try {
      const saved = team ? await this.#ctx.admin.updateTeam(team.id, body) : await this.#ctx.admin.createTeam(body)
      const at = this.#teams.findIndex((t) => t.id === saved.id)
      if (at >= 0) this.#teams[at] = saved
      else this.#teams.push(saved)
      this.#teams.sort((a, b) => a.name.localeCompare(b.name))
      this.#selected = saved.id
      this.#render()
      this.#say(`Saved ${saved.name}.`)
    } catch (error) {
      const detail = error.fields?.map((f) => `${f.field}: ${f.message}`).join("; ")
      this.#say(detail ? `${error.message} ${detail}` : error.message, true)
    }
  }

  async #delete(team) {
    const yes = await this.#ctx.confirm({ title: `Delete ${team.name}?`,
      text: "Its members and workbins stay; its workbins become everyone’s again unless another team uses them.",
      confirm: "Delete team" })
    if (!yes) return
    try {
      await this.#ctx.admin.deleteTeam(team.id)
      this.#teams = this.#teams.filter((t) => t.id !== team.id)
      this.#selected = null
      this.#render()
      this.#say(`Deleted ${team.name}.`)
    } catch (error) {
      this.#say(error.message, true)
    }
  }
}

customElements.define("parley-admin-teams", ParleyAdminTeams)
