// The live event stream, WS /api/v1/events. Reconnects with exponential
// backoff; every open after the first calls onOpen(true) so the app can catch
// up from REST (event ids only grow within one connection, so a new
// connection cannot resume by id). Frames that are not JSON objects with a
// `type` are ignored. No DOM at import: WebSocket and timers are injectable.

import { Backoff } from "./models/backoff.js"

/** Close codes meaning "your session is not valid": stop and let the app check /me. */
export const AUTH_CLOSE_CODES = new Set([1008, 4401, 4403])

export class EventSocket {
  #url
  #WebSocket
  #backoff
  #setTimer
  #clearTimer
  #onEvent
  #onOpen
  #onState
  #onUnauthenticated
  #ws = null
  #timer = null
  #stopped = true
  #opens = 0
  #lastId = -Infinity

  /**
   * @param {object} o
   * @param {string|URL} o.url ws:// or wss:// URL of /api/v1/events
   * @param {(event: object) => void} o.onEvent
   * @param {(reconnected: boolean) => void} [o.onOpen]
   * @param {(state: "connecting"|"open"|"closed") => void} [o.onState]
   * @param {() => void} [o.onUnauthenticated]
   */
  constructor({ url, onEvent, onOpen = () => {}, onState = () => {}, onUnauthenticated = () => {},
    WebSocket = globalThis.WebSocket, backoff = new Backoff(),
    setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    this.#url = String(url)
    this.#onEvent = onEvent
    this.#onOpen = onOpen
    this.#onState = onState
    this.#onUnauthenticated = onUnauthenticated
    this.#WebSocket = WebSocket
    this.#backoff = backoff
    this.#setTimer = setTimer
    this.#clearTimer = clearTimer
  }

  start() {
    if (!this.#stopped) return
    this.#stopped = false
    this.#connect()
  }

  stop() {
    this.#stopped = true
    if (this.#timer !== null) this.#clearTimer(this.#timer)
    this.#timer = null
    const ws = this.#ws
    this.#ws = null
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
      try { ws.close(1000) } catch { /* already closed */ }
    }
    this.#onState("closed")
  }

  /** Reconnect now (e.g. the browser came back online) instead of waiting out the backoff. */
  nudge() {
    if (this.#stopped || this.#ws) return
    if (this.#timer !== null) this.#clearTimer(this.#timer)
    this.#timer = null
    this.#connect()
  }

  #connect() {
    this.#onState("connecting")
    let ws
    try {
      ws = new this.#WebSocket(this.#url)
    } catch {
      this.#schedule()
      return
    }
    this.#ws = ws
    this.#lastId = -Infinity
    ws.onopen = () => {
      this.#backoff.reset()
      this.#onState("open")
      this.#onOpen(this.#opens++ > 0)
    }
    ws.onmessage = (message) => this.#receive(message.data)
    ws.onerror = () => {} // a close always follows
    ws.onclose = (close) => {
      if (this.#ws !== ws) return
      this.#ws = null
      if (AUTH_CLOSE_CODES.has(close?.code)) {
        this.stop()
        this.#onUnauthenticated()
        return
      }
      this.#onState("connecting")
      this.#schedule()
    }
  }

  #schedule() {
    if (this.#stopped) return
    this.#timer = this.#setTimer(() => {
      this.#timer = null
      if (!this.#stopped) this.#connect()
    }, this.#backoff.next())
  }

  #receive(data) {
    let event
    try {
      event = JSON.parse(data)
    } catch {
      return
    }
    if (!event || typeof event !== "object" || typeof event.type !== "string") return
    if (typeof event.id === "number") {
      if (event.id <= this.#lastId) return // a replay within this connection
      this.#lastId = event.id
    }
    this.#onEvent(event)
  }
}

/** ws(s)://host/…/api/v1/events for a page at `pageUrl` whose API root is `apiBase`. */
export function eventsUrl(apiBase) {
  const url = new URL("events", apiBase)
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:"
  return url
}
