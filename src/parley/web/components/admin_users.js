// <parley-admin-users>: the Users page. The list (search, Add user) beside the
// chosen user's form: name, role, capacity, teams, a supervisor's scope;
// Reset password (the temporary one shown once), Deactivate / Reactivate.

import { ROLES, userChanges, userState } from "../models/admin.js"
import { h, replace } from "./dom.js"

export class ParleyAdminUsers extends HTMLElement {
  #ctx
  #users = []
  #teams = []
  #selected = null // a user id, or "new"
  #search
  #list
  #detail
  #status
  #ready = Promise.resolve()

  connect(ctx) { this.#ctx = ctx }

  connectedCallback() {
    if (this.firstChild) return
    this.#search = h("input", { type: "search", class: "dir-search", "aria-label": "Search users",
      placeholder: "Search users", oninput: () => this.#renderList() })
    this.#list = h("div", { class: "view-list-body", role: "list", "aria-label": "Users" })
    this.#detail = h("section", { class: "view-detail", "aria-label": "User details" })
    this.#status = h("p", { class: "admin-status", role: "status" })
    this.append(
      h("div", { class: "view-head" }, h("h2", { class: "view-title" }, "Users"),
        h("button", { type: "button", class: "btn btn-primary", onclick: () => this.#choose("new") }, "Add user")),
      this.#status,
      h("div", { class: "view-split" },
        h("div", { class: "view-list" }, h("div", { class: "admin-search" }, this.#search), this.#list),
        this.#detail))
    this.#renderDetail()
  }

  /** The view became visible: load the lists (a form opened meanwhile waits for them). */
  shown() {
    this.#ready = this.#load()
    return this.#ready
  }

  async #load() {
    try {
      ;[this.#users, this.#teams] = await Promise.all([this.#ctx.admin.users(), this.#ctx.admin.teams()])
      this.#renderList()
      // A form being filled in stays as it is: a reload must not wipe what was typed.
      if (!this.#detail.querySelector("form")) this.#renderDetail()
    } catch (error) {
      this.#say(error.message, true)
    }
  }

  #say(text, error = false) {
    this.#status.textContent = text
    this.#status.dataset.error = error ? "true" : ""
  }

  #renderList() {
    const words = this.#search.value.trim().toLowerCase().split(/\s+/).filter(Boolean)
    const shown = this.#users.filter((u) => words.every((w) => `${u.name} ${u.username} ${u.role}`.toLowerCase().includes(w)))
    replace(this.#list, shown.length ? shown.map((u) => h("div", { role: "listitem" },
      h("button", { type: "button", class: "admin-row", "aria-current": String(u.id === this.#selected),
        dataset: { inactive: String(!u.active) }, onclick: () => this.#choose(u.id) },
      h("span", { class: "admin-row-main" }, h("strong", {}, u.name), h("span", { class: "muted" }, ` ${u.username}`)),
      h("span", { class: "admin-row-meta" }, h("span", { class: "tag", dataset: { role: u.role } }, u.role),
        h("span", { class: "admin-state" }, userState(u))))))
      : h("p", { class: "muted view-empty" }, words.length ? "No user matches." : "No users yet."))
  }

  async #choose(id) {
    this.#selected = id
    this.#say("")
    await this.#ready // the teams the form offers
    this.#renderList()
    this.#renderDetail()
  }

  #field(label, control, hint) {
    return h("label", { class: "admin-field" }, h("span", {}, label), control, hint ? h("span", { class: "muted admin-hint" }, hint) : null)
  }

  #renderDetail(temporary = null) {
    const isNew = this.#selected === "new"
    const user = isNew ? null : this.#users.find((u) => u.id === this.#selected)
    if (!isNew && !user) {
      replace(this.#detail, h("p", { class: "muted view-empty" }, "Choose a user, or Add user."))
      return
    }
    const name = h("input", { type: "text", name: "name", value: user?.name ?? "", autocomplete: "off" })
    const username = isNew ? h("input", { type: "text", name: "username", required: true, autocomplete: "off",
      pattern: "[A-Za-z0-9._]+", maxlength: "64" }) : null
    const role = h("select", { name: "role" }, ROLES.map(([v, t]) => h("option", { value: v, selected: v === (user?.role ?? "agent") }, t)))
    const capacity = h("input", { type: "number", name: "capacity", min: "1", max: "100", inputmode: "numeric",
      value: user?.capacity ?? "", placeholder: `Default (${this.#ctx?.store.config.agent_capacity ?? 3})` })
    const chosen = new Set((user?.teams ?? []).map((t) => t.id))
    const teams = h("fieldset", { class: "admin-checks" }, h("legend", {}, "Teams"),
      this.#teams.length ? this.#teams.map((t) => h("label", { class: "admin-check" },
        h("input", { type: "checkbox", value: String(t.id), checked: chosen.has(t.id),
          onchange: (e) => { if (e.target.checked) chosen.add(t.id); else chosen.delete(t.id) } }), t.name))
        : h("p", { class: "muted" }, "No teams yet: make them in Teams."))
    const scope = h("select", { name: "scope" },
      h("option", { value: "all", selected: user?.supervisor_scope !== "teams" }, "Every agent"),
      h("option", { value: "teams", selected: user?.supervisor_scope === "teams" }, "Only their teams’ agents"))
    const scopeField = this.#field("A supervisor sees", scope)
    const showScope = () => { scopeField.hidden = role.value !== "supervisor" }
    role.addEventListener("change", showScope)
    showScope()
    const password = isNew ? h("input", { type: "password", name: "password", autocomplete: "new-password", minlength: "8" }) : null
    const form = h("form", { class: "admin-edit", "aria-label": isNew ? "New user" : `Edit ${user.name}`,
      onsubmit: (e) => {
        e.preventDefault()
        const values = { name: name.value, role: role.value, capacity: capacity.value, teamIds: chosen, scope: scope.value }
        if (isNew) this.#create(username.value.trim(), values, password.value)
        else this.#save(user, values)
      } },
    h("h3", {}, isNew ? "Add user" : user.name),
    user ? h("p", { class: "muted admin-sub" }, `${user.username} · ${userState(user)}`,
      user.last_login_at ? ` · last login ${new Date(user.last_login_at).toLocaleString()}` : "") : null,
    temporary ? h("div", { class: "admin-secret", role: "alert" },
      h("p", {}, `Temporary password for ${temporary.name}: `, h("code", { class: "admin-secret-value" }, temporary.password)),
      h("p", { class: "muted" }, "Shown only now. Give it to them: at their next login they choose their own.")) : null,
    isNew ? this.#field("Username", username, "Letters, digits, dots, underscores. A username is never given to anyone else.") : null,
    this.#field("Name", name), this.#field("Role", role), scopeField,
    this.#field("Capacity", capacity, "Chats at once; empty for the default."), teams,
    isNew ? this.#field("Password (optional)", password, "Empty: Parley makes a temporary one. Either way they choose their own at first login.") : null,
    h("div", { class: "admin-actions" },
      user ? h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.#reset(user) }, "Reset password") : null,
      user ? h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.#toggleActive(user) },
        user.active ? "Deactivate" : "Reactivate") : null,
      h("button", { type: "submit", class: "btn btn-primary" }, isNew ? "Add user" : "Save")))
    replace(this.#detail, form)
  }

  #put(user) {
    const at = this.#users.findIndex((u) => u.id === user.id)
    if (at >= 0) this.#users[at] = user
    else this.#users.push(user)
  }

  async #create(username, values, password) {
    try {
      const body = { username, role: values.role, team_ids: [...values.teamIds] }
      if (values.name.trim()) body.name = values.name.trim()
      if (String(values.capacity).trim()) body.capacity = Number(values.capacity)
      if (values.role === "supervisor") body.supervisor_scope = values.scope
      if (password) body.password = password
      const made = await this.#ctx.admin.createUser(body)
      this.#put(made.user)
      this.#selected = made.user.id
      this.#renderList()
      this.#renderDetail(made.temporary_password ? { name: made.user.name, password: made.temporary_password } : null)
      this.#say(`Added ${made.user.name}.`)
    } catch (error) {
      this.#fail(error)
    }
  }

  async #save(user, values) {
    const body = userChanges(user, values)
    if (!Object.keys(body).length) return this.#say("Nothing to save.")
    if (body.role && !(await this.#ctx.confirm({ title: `Change ${user.name}’s role?`,
      text: `${user.name} is logged out at once and logs in again as ${body.role === "admin" ? "an" : "a"} ${body.role}. Their open chats go to their workbin.`,
      confirm: "Change role" }))) return
    try {
      this.#put(await this.#ctx.admin.updateUser(user.id, body))
      this.#renderList()
      this.#renderDetail()
      this.#say(`Saved ${user.name}.`)
    } catch (error) {
      this.#fail(error)
    }
  }

  async #reset(user) {
    const yes = await this.#ctx.confirm({ title: `Reset ${user.name}’s password?`,
      text: "They are logged out everywhere now, and log in with a temporary password that they must change.",
      confirm: "Reset password" })
    if (!yes) return
    try {
      const answer = await this.#ctx.admin.resetPassword(user.id)
      this.#put(answer.user)
      this.#renderList()
      this.#renderDetail({ name: user.name, password: answer.temporary_password })
      this.#say(`Reset ${user.name}’s password.`)
    } catch (error) {
      this.#fail(error)
    }
  }

  async #toggleActive(user) {
    if (user.active) {
      const yes = await this.#ctx.confirm({ title: `Deactivate ${user.name}?`,
        text: "They are logged out everywhere at once and cannot log in. Their open chats go to their workbin, offers back to the queue.",
        confirm: "Deactivate" })
      if (!yes) return
    }
    try {
      this.#put(await (user.active ? this.#ctx.admin.deactivate(user.id) : this.#ctx.admin.reactivate(user.id)))
      this.#renderList()
      this.#renderDetail()
      this.#say(user.active ? `Deactivated ${user.name}.` : `Reactivated ${user.name}.`)
    } catch (error) {
      this.#fail(error)
    }
  }

  #fail(error) {
    const detail = error.fields?.map((f) => `${f.field}: ${f.message}`).join("; ")
    this.#say(detail ? `${error.message} ${detail}` : error.message, true)
  }
}

customElements.define("parley-admin-users", ParleyAdminUsers)
