// <parley-app>: the shell. Checks the session, shows the log in form or the
// desktop, wires the store, the socket and the components, and shows errors
// as toasts. Components get one context object; none reaches for globals.

import { Admin } from "../admin.js"
import { Api } from "../api.js"
import { Desktop } from "../desktop.js"
import { Supervisor } from "../supervisor.js"
import { EventSocket, eventsUrl } from "../socket.js"
import { Store } from "../store.js"
import { chatStartedNotice } from "../models/directory.js"
import { removalNotice, supervisorNotice } from "../models/offer.js"
import { SessionMemory } from "../models/session_memory.js"
import { ALERT_REFRESH_MS, ALERT_ROLES, accountBanner } from "../models/account_alert.js"
import { contactName } from "../models/contact.js"
import { previewOf } from "../models/preview.js"
import { logoutQuestion } from "../models/workbins.js"
import { panelsIn } from "../panels.js"
import { ConfirmDialog } from "./confirm_dialog.js"
import { h, icon, replace } from "./dom.js"
import { TitleFlasher } from "./title_flash.js"
import { ViewTabs } from "./view_tabs.js"
import "./emoji_picker.js"
import "./login.js"
import "./password_change.js"
import "./panels.js" // every part of the desktop registers itself there

const THEME_KEY = "parley-theme"
const TOAST_MS = 6000
const ERROR_TOAST_MS = 12000

export class ParleyApp extends HTMLElement {
  #apiBase
  #clock
  #api
  #session = null
  #toasts

  /** @param {{apiBase: URL, clock: import("../models/server_clock.js").ServerClock}} o */
  start({ apiBase, clock }) {
    this.#apiBase = apiBase
    this.#clock = clock
    this.#api = new Api({ baseUrl: apiBase, cookies: () => document.cookie, clock,
      onUnauthenticated: (why) => this.#sessionEnded(why) })
    this.#boot()
  }

  async #boot() {
    replace(this, h("p", { class: "boot" }, "Loading Parley…"))
    try {
      this.#showDesktop(await this.#api.get("me"))
    } catch (error) {
      if (error?.status === 401) this.#showLogin()
      else this.#showUnreachable(error)
    }
  }

  #showUnreachable(error) {
    replace(this, h("main", { class: "login" }, h("div", { class: "login-card" },
      h("h1", { class: "login-title" }, "Can’t open Parley"),
      h("p", { role: "alert" }, error?.message || "Parley did not answer."),
      h("button", { type: "button", class: "btn btn-primary btn-block", onclick: () => this.#boot() }, "Try again"))))
  }

  #showLogin(notice = "") {
    this.#teardown()
    const login = h("parley-login", {})
    login.onLogin = (username, password) => this.#login(username, password)
    login.notice = notice
    replace(this, login)
  }

  async #login(username, password) {
    const answer = await this.#api.post("auth/login", { username, password })
    this.#api.setCsrfToken(answer?.csrf_token)
    this.#showDesktop(answer?.user ?? await this.#api.get("me"))
  }

  async #logout() {
    try {
      await this.#api.post("auth/logout")
    } catch {
      // the session is gone either way
    }
    this.#api.setCsrfToken(null)
    this.#showLogin()
  }

  /** With interactions still open, ask first: logging out parks the chats in the agent's workbin and hands offers back. */
  async #confirmLogout(store, confirm) {
    const personal = store.collection("workbins").find((w) => w.kind === "personal" && w.owner?.id === store.me?.id)
    const text = logoutQuestion(store.interactions(), personal?.name)
    if (text) {
      const yes = await confirm.ask({ title: "Log out?", text, confirm: "Log out" })
      if (!yes) return
    }
    await this.#logout()
  }

  /** Supervisors and admins see what WhatsApp says about the account (restrictions, bans). */
  #watchAccount(node) {
    const refresh = async () => {
      if (!node.isConnected) return
      try {
        const banner = accountBanner(await this.#api.get("account/alerts"))
        node.hidden = banner === null
        node.textContent = banner?.text ?? ""
        node.title = banner?.title ?? ""
      } catch {
        // shown again at the next refresh; the desktop works without it
      }
      if (node.isConnected) setTimeout(refresh, ALERT_REFRESH_MS)
    }
    refresh()
  }

  #sessionEnded({ code = null } = {}) {
    if (!this.#session) return
    this.#showLogin(code === "account_deactivated"
      ? "Your account was deactivated by an admin."
      : "Your session has ended. Log in again.")
  }

  #teardown() {
    if (!this.#session) return
    this.#session.stop()
    this.#session = null
  }

  /** A temporary password opens only the form that changes it. */
  #showPasswordChange() {
    this.#teardown()
    const form = h("parley-password-change", {})
    form.onChange = async (current, next) => {
      const me = await this.#api.put("me/password", { current_password: current, new_password: next })
      this.#showDesktop(me)
    }
    form.onLogout = () => this.#logout()
    replace(this, form)
  }

  #showDesktop(me) {
    if (me?.must_change_password) return this.#showPasswordChange()
    this.#teardown()
    const store = new Store()
    store.setMe(me)
    const desktop = new Desktop({ api: this.#api, store, now: () => this.#clock.now() })
    const memory = new SessionMemory({ storage: sessionStorageOrNull(), userId: me?.id ?? "" })
    let synced = false // before the first sync nothing is held, so nothing may be pruned
    let started = false // after the first sync (or its failure) the remembered selection is not awaited
    // Every registered part, by id; the shell needs a few of them by name (below).
    const parts = {}
    const mount = (region) => panelsIn(region).map((panel) => (parts[panel.id] = panel.create()))
    const empty = h("div", { class: "center-empty" }, icon("inbox", { size: 40 }),
      h("p", { class: "empty-title" }, "No interaction open"),
      h("p", { class: "empty-text" }, "Pick one from the list, or wait for the next WhatsApp chat."))
    const conn = h("div", { class: "conn", role: "status" })
    const accountAlert = h("div", { class: "account-alert", role: "alert", hidden: true })
    const topbarParts = mount("topbar")
    const nav = h("nav", { class: "col-left", "aria-label": "Interactions", tabindex: "-1" }, ...mount("nav"))
    const main = h("main", { class: "col-center" }, empty, ...mount("main"))
    const aside = h("aside", { class: "col-right", "aria-label": "Case information" }, ...mount("aside"))
    this.#toasts = h("div", { class: "toasts" })
    const picker = h("parley-emoji-picker", {})
    const confirm = new ConfirmDialog()
    const flasher = new TitleFlasher(store, document, { onAlert: (ids) => notifyWaiting(ids) })
    // Views that follow the raw stream (the Floor) listen here besides the store.
    const listeners = { event: new Set(), open: new Set() }
    const listen = (set, fn) => {
      set.add(fn)
      return () => set.delete(fn)
    }
    const ctx = {
      store, desktop, clock: this.#clock, picker, memory, admin: new Admin({ api: this.#api }),
      supervisor: new Supervisor({ api: this.#api }),
      onEvent: (fn) => listen(listeners.event, fn),
      onStreamOpen: (fn) => listen(listeners.open, fn),
      replyTo: (message) => parts.composer.replyTo(message),
      notify: (message, options) => this.#notify(message, options),
      // Take back the toasts given this key (an error the next save has made untrue).
      dismiss: (key) => this.#toasts?.querySelectorAll(`[data-key="${CSS.escape(key)}"]`).forEach((t) => t.remove()),
      confirm: (question) => confirm.ask(question),
      // "Create new chat" (My History, the Contact Directory): the chat opens on the desk.
      createChat: async (contactId) => {
        try {
          const chat = await desktop.startChat(contactId)
          tabs.show("interactions")
          // the composer offers notifications (approved templates) once the window is closed
          this.#notify(chatStartedNotice(chat, this.#clock.now(), { templates: true }), { polite: true })
          parts.composer.focusText()
        } catch (error) {
          this.#notify(error?.message || "Couldn’t start the chat.")
        }
      },
      insertResponse: (filled) => parts.composer.insertResponse(filled),
      openNotification: (what) => parts.notification.open(what),
      logout: () => this.#confirmLogout(store, confirm),
      focusComposer: () => parts.composer.focusText(),
      hasDraft: () => parts.composer.draft !== "",
      focusNext: () => setTimeout(() => focusNext(parts.bar, nav)),
      showView: (id) => tabs.show(id),
      attachmentUrl: (id) => String(this.#api.url(`attachments/${encodeURIComponent(id)}`)),
      apiUrl: (path, query) => String(this.#api.url(path, query)),
      open: (id, { pointer = false } = {}) => {
        tabs.show("interactions")
        flasher.acknowledge(id)
        desktop.open(id).catch((e) => this.#notify(e.message))
        if (pointer) parts.composer.focusText()
      },
    }
    const views = panelsIn("view").filter((panel) => !panel.visible || panel.visible({ me }))
      .map((panel) => ({ panel, element: (parts[panel.id] = panel.create()) }))
    const tabs = new ViewTabs({ views, desk: [nav, main, aside] })
    replace(this, h("div", { class: "app" },
      h("a", { class: "skip", href: "#composer-message" }, "Skip to message box"),
      h("header", { class: "topbar" },
        h("div", { class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "P"), h("span", {}, "Parley")),
        tabs.element,
        conn,
        accountAlert,
        h("div", { class: "topbar-right" }, ...topbarParts, this.#notificationsButton(), this.#themeButton())),
      nav,
      main,
      aside,
      ...views.map((v) => v.element),
      ...mount("overlay"),
      picker,
      confirm.element,
      this.#toasts))
    for (const part of Object.values(parts)) part.connect?.(ctx)
    if (ALERT_ROLES.has(me?.role)) this.#watchAccount(accountAlert)

    const showSelection = () => {
      empty.hidden = store.selectedId !== null
      // Always show something when there is something: the one open before a reload, else the oldest.
      const held = store.interactions()
      const remembered = held.find((i) => String(i.id) === memory.selectedId)
      if (!remembered && !started && memory.selectedId !== null) return // the sync may still bring it
      const first = remembered ?? held[0]
      if (store.selectedId === null && first) desktop.open(first.id).catch((e) => this.#notify(e.message))
    }
    let connTimer = null
    const showConnection = () => {
      clearTimeout(connTimer)
      // navigator.onLine: a dropped network may leave the socket looking open for a long while.
      if (store.connection === "open" && navigator.onLine !== false) {
        conn.hidden = true
        return
      }
      connTimer = setTimeout(() => {
        replace(conn, h("span", { class: "conn-dot", "aria-hidden": "true" }),
          h("span", { class: "conn-lead" }, "Reconnecting…"), h("span", { class: "conn-more" }, " new messages will catch up"))
        conn.hidden = false
      }, 2000)
    }
    conn.hidden = true
    // Read receipts: only what the agent can actually see (tab visible, window focused).
    const markRead = () => {
      const id = store.selectedId
      if (id !== null && document.visibilityState === "visible" && document.hasFocus()) desktop.markRead(id)
    }
    const notifyWaiting = (ids) => {
      if (!("Notification" in window) || Notification.permission !== "granted") return
      for (const id of ids) {
        const interaction = store.interaction(id)
        if (!interaction) continue
        const note = new Notification(`${contactName(interaction)} is waiting for a reply`, {
          body: previewOf(interaction, { meId: store.me?.id ?? null }) || "New WhatsApp message", tag: `parley-${id}`, icon: "favicon.svg" })
        note.onclick = () => {
          window.focus()
          ctx.open(id)
          note.close()
        }
      }
    }
    const unsubscribe = store.subscribe((change) => {
      const { topic, id } = change
      if (topic === "selection" && store.selectedId !== null) memory.saveSelected(store.selectedId)
      if (topic === "interactions" && synced) memory.prune(store.interactions().map((i) => i.id))
      if (topic === "selection" || topic === "interactions") showSelection()
      if (topic === "selection" || ((topic === "interactions" || topic === "messages") && id === store.selectedId)) {
        markRead()
      }
      if ((topic === "selection" || topic === "interactions") && store.selectedId !== null) {
        desktop.loadEvents(store.selectedId)
      }
      if (topic === "connection") showConnection()
      if (topic === "removed") {
        const text = change.notice || removalNotice(change.reason, { name: contactName(change.interaction),
          offered: change.interaction?.state === "offered", workbin: desktop.parkedTo(id) })
        if (text) this.#notify(text, { polite: true, about: { id, state: stateOf(store, id) } })
      }
      if (topic === "interactions" || topic === "removed") this.#clearStaleToasts(store)
      if (topic === "me" && store.me?.status === "logged_out") this.#api.get("me").catch(() => {})
      // A team changed: the shared workbins this agent sees may have too.
      if (topic === "teams" && store.collection("workbins").length) desktop.loadWorkbins().catch(() => {})
    })
    showSelection()

    const socket = new EventSocket({
      url: eventsUrl(this.#apiBase),
      onEvent: (event) => {
        store.apply(event)
        // What a supervisor did to this agent ("Set Not Ready (Training) by Sara"); a removal's
        // notice comes with the store's "removed" topic.
        const notice = supervisorNotice(event, store.me)
        if (notice) this.#notify(notice, { polite: true })
        for (const fn of listeners.event) fn(event)
      },
      onOpen: (reconnected) => {
        for (const fn of listeners.open) fn(reconnected)
        return (reconnected ? desktop.catchUp() : desktop.sync()).catch((e) => this.#notify(e.message))
          .finally(() => desktop.resendOffline())
      },
      onState: (state) => store.setConnection(state),
      onUnauthenticated: () => this.#api.get("me").catch(() => {}),
    })
    const online = () => {
      showConnection()
      socket.nudge()
      desktop.recover().catch(() => {}) // the transcript shows Retry while it still cannot load
      desktop.resendOffline()
    }
    window.addEventListener("focus", markRead)
    document.addEventListener("visibilitychange", markRead)
    const ticker = setInterval(() => {
      for (const part of Object.values(parts)) part.tick?.()
    }, 1000)
    window.addEventListener("online", online)
    window.addEventListener("offline", showConnection)
    socket.start()
    desktop.start().then(() => {
      synced = true
      memory.prune(store.interactions().map((i) => i.id))
    }).catch((e) => this.#notify(e.message)).finally(() => {
      started = true
      showSelection()
    })

    this.#session = {
      stop: () => {
        socket.stop()
        flasher.stop()
        unsubscribe()
        clearInterval(ticker)
        clearTimeout(connTimer)
        window.removeEventListener("online", online)
        window.removeEventListener("offline", showConnection)
        window.removeEventListener("focus", markRead)
        document.removeEventListener("visibilitychange", markRead)
        picker.close({ refocus: false })
      },
    }
  }

  /** A toast: an error (role alert), or with `polite` a notice that waits its turn (role status).
   *  It leaves the page (and the Tab order) after 6 s, an error after 12 s; a toast `about` an
   *  interaction `{ id, state }` goes as soon as that interaction's state is no longer the one it
   *  told of ("moved to your workbin", then the agent opens it again). */
  #notify(message, { polite = false, key = null, about = null } = {}) {
    if (!this.#toasts || !message) return
    // a keyed toast replaces the one it updates instead of piling up
    if (key) this.#toasts.querySelectorAll(`[data-key="${CSS.escape(key)}"]`).forEach((t) => t.remove())
    const toast = h("div", { class: `toast${polite ? " toast-notice" : ""}`, role: polite ? "status" : "alert", dataset: key ? { key } : null },
      h("span", {}, message),
      h("button", { type: "button", class: "btn btn-ghost btn-icon", "aria-label": "Dismiss",
        onclick: () => toast.remove() }, icon("close", { size: 14 })))
    if (about) Object.assign(toast.dataset, { interaction: String(about.id), state: about.state })
    this.#toasts.append(toast)
    while (this.#toasts.childElementCount > 3) this.#toasts.firstElementChild.remove()
    setTimeout(() => toast.remove(), polite ? TOAST_MS : ERROR_TOAST_MS)
  }

  /** Toasts about an interaction whose state has changed since contradict the screen: gone. */
  #clearStaleToasts(store) {
    for (const toast of this.#toasts?.querySelectorAll("[data-interaction]") ?? []) {
      if (stateOf(store, toast.dataset.interaction) !== toast.dataset.state) toast.remove()
    }
  }

  /**
   * "Turn on desktop notifications" until the agent answers the browser's question; once they
   * block them, a "blocked" state that says where to undo it (a vanished bell explains nothing).
   */
  #notificationsButton() {
    if (!("Notification" in window) || Notification.permission === "granted") return null
    const button = h("button", { type: "button", class: "btn btn-ghost btn-icon" })
    const paint = () => {
      const blocked = Notification.permission === "denied"
      const label = blocked ? "Notifications blocked in the browser" : "Turn on desktop notifications"
      button.setAttribute("aria-label", label)
      button.title = blocked ? `${label}: allow them in the site settings to be told about waiting chats` : label
      button.dataset.state = blocked ? "blocked" : "ask"
      replace(button, icon(blocked ? "bellOff" : "bell"))
    }
    button.addEventListener("click", async () => {
      if (Notification.permission === "denied") {
        this.#notify("Desktop notifications are blocked. Allow them for this site in the browser’s settings.",
          { polite: true })
        return
      }
      try {
        await Notification.requestPermission()
      } finally {
        if (Notification.permission === "granted") button.remove()
        else paint()
      }
    })
    paint()
    return button
  }

  #themeButton() {
    const root = document.documentElement
    const current = () => root.dataset.theme ||
      (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")
    const button = h("button", { type: "button", class: "btn btn-ghost btn-icon" })
    const paint = () => {
      const dark = current() === "dark"
      button.setAttribute("aria-label", dark ? "Switch to light theme" : "Switch to dark theme")
      button.title = button.getAttribute("aria-label")
      replace(button, icon(dark ? "sun" : "moon"))
    }
    button.addEventListener("click", () => {
      const next = current() === "dark" ? "light" : "dark"
      root.dataset.theme = next
      try { localStorage.setItem(THEME_KEY, next) } catch { /* private mode */ }
      paint()
    })
    paint()
    return button
  }
}

/** The control that held focus went away with its interaction: land on the one now open in the bar. */
/** The interaction's state on this desktop, or "gone" once it has left it. */
function stateOf(store, id) {
  return store.interaction(Number(id))?.state ?? "gone"
}

function focusNext(bar, nav) {
  const lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected
  if (!lost) return
  const next = bar.querySelector(".ibar-item[aria-current='true']") ?? bar.querySelector(".ibar-item")
  ;(next ?? nav).focus()
}

function sessionStorageOrNull() {
  try {
    return window.sessionStorage
  } catch {
    return null // blocked storage: nothing survives a reload, everything else works
  }
}

customElements.define("parley-app", ParleyApp)
