// The REST client: JSON in and out, the CSRF header on state-changing
// requests, and one error type. No DOM at import: cookies, fetch and the
// clock are passed in, so node tests drive it with fakes.

import { humanValidation } from "./models/validation.js"

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the server could not be reached)
   * @param {string} code the server's error code, e.g. "interaction_not_active"
   * @param {string} message a sentence to show the agent
   * @param {{field: string, message: string}[]} [fields] validation details
   */
  constructor(status, code, message, fields = []) {
    super(message)
    this.name = "ApiError"
    this.status = status
    this.code = code
    this.fields = fields
    /** @type {Record<string, unknown>} other members of the error ("kept_id") */
    this.detail = {}
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"])
export const CSRF_COOKIE = "parley_csrf"
export const CSRF_HEADER = "X-CSRF-Token"

/** The value of one cookie in a document.cookie string, or null. */
export function readCookie(cookieString, name) {
  for (const part of String(cookieString ?? "").split(";")) {
    const eq = part.indexOf("=")
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return part.slice(eq + 1).trim()
      }
    }
  }
  return null
}

function statusMessage(status) {
  if (status >= 500) return `Parley had a problem (${status}). Try again in a moment.`
  return `The request failed (${status}).`
}

export class Api {
  #base
  #fetch
  #cookies
  #csrfFallback = null
  #onUnauthenticated
  #clock
  #timeoutMs

  /**
   * @param {object} options
   * @param {string|URL} options.baseUrl the API root, e.g. https://host/api/v1/
   * @param {typeof fetch} [options.fetch]
   * @param {() => string} [options.cookies] returns document.cookie
   * @param {(o: {code: string|null}) => void} [options.onUnauthenticated] called on any 401,
   *   with the server's error code (`account_deactivated`, `session_expired`, …)
   * @param {{observe(serverMs, sentAt, receivedAt): void}} [options.clock] fed each Date header
   */
  constructor({ baseUrl, fetch = (...args) => globalThis.fetch(...args), cookies = () => "", onUnauthenticated = () => {},
    clock = null, timeoutMs = 20_000 }) {
    this.#base = new URL(baseUrl)
    this.#fetch = fetch
    this.#cookies = cookies
    this.#onUnauthenticated = onUnauthenticated
    this.#clock = clock
    this.#timeoutMs = timeoutMs
  }

  /** Absolute URL of an API path ("interactions/12/messages"), with query parameters. */
  url(path, query = {}) {
    const url = new URL(String(path).replace(/^\/+/, ""), this.#base)
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value))
    }
    return url
  }

  get(path, query) { return this.request("GET", path, { query }) }
  post(path, body) { return this.request("POST", path, { body }) }
  put(path, body) { return this.request("PUT", path, { body }) }
  patch(path, body) { return this.request("PATCH", path, { body }) }
  delete(path) { return this.request("DELETE", path) }
  /** POST a text body as it is (a YAML or JSON file), with its content type. */
  postText(path, text, contentType, query) { return this.request("POST", path, { query, text, contentType }) }

  /**
   * Upload one file as multipart field `file` (`POST attachments`), reporting progress.
   * Uses XMLHttpRequest, the one browser API that reports upload progress.
   * @param {Blob} file
   * @param {string} name the file name to send
   * @param {{onProgress?(loaded: number, total: number): void, signal?: AbortSignal,
   *   xhr?: () => XMLHttpRequest}} [options]
   * @returns {Promise<object>} the attachment ({id, filename, mime_type, size, kind, …})
   */
  upload(file, name, { onProgress = () => {}, signal, xhr = () => new XMLHttpRequest() } = {}) {
    return new Promise((resolve, reject) => {
      const request = xhr()
      request.open("POST", this.url("attachments"))
      request.withCredentials = true
      request.setRequestHeader("Accept", "application/json")
      const token = readCookie(this.#cookies(), CSRF_COOKIE) ?? this.#csrfFallback
      if (token) request.setRequestHeader(CSRF_HEADER, token)
      request.upload.onprogress = (e) => onProgress(e.loaded, e.total)
      request.onerror = () => reject(new ApiError(0, "network_error", "Can’t reach Parley. Check your connection."))
      request.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."))
      request.onload = () => {
        let data = null
        try { data = JSON.parse(request.responseText) } catch { data = null }
        if (request.status >= 200 && request.status < 300) return resolve(data)
        const error = data?.error
        if (request.status === 401) this.#onUnauthenticated({ code: error?.code ?? null })
        reject(new ApiError(request.status, error?.code ?? `http_${request.status}`,
          error?.message || statusMessage(request.status)))
      }
      signal?.addEventListener("abort", () => request.abort(), { once: true })
      const form = new FormData()
      form.append("file", file, name)
      request.send(form)
    })
  }

  /** Remember the login answer's csrf_token in case the cookie cannot be read. */
  setCsrfToken(token) {
    this.#csrfFallback = token ?? null
  }

  async request(method, path, { query, body, text, contentType } = {}) {
    const headers = { Accept: "application/json" }
    if (body !== undefined) headers["Content-Type"] = "application/json"
    if (text !== undefined) headers["Content-Type"] = contentType ?? "text/plain"
    if (UNSAFE.has(method)) {
      const token = readCookie(this.#cookies(), CSRF_COOKIE) ?? this.#csrfFallback
      if (token) headers[CSRF_HEADER] = token
    }
    const sentAt = Date.now()
    const send = this.#fetch // called unbound: window.fetch throws "Illegal invocation" as a method
    let response
    try {
      response = await send(this.url(path, query), {
        method,
        headers,
        body: text !== undefined ? text : body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (error) {
      const timedOut = error?.name === "TimeoutError"
      throw new ApiError(0, timedOut ? "timeout" : "network_error",
        timedOut ? "Parley took too long to answer. Try again." : "Can’t reach Parley. Check your connection.")
    }
    this.#observeDate(response, sentAt)
    const data = await this.#json(response)
    if (response.ok) return data
    const error = data?.error
    if (response.status === 401) this.#onUnauthenticated({ code: error?.code ?? null })
    const fields = Array.isArray(error?.fields) ? error.fields : []
    const message = typeof error?.message === "string" && error.message ? error.message : statusMessage(response.status)
    const apiError = new ApiError(
      response.status,
      typeof error?.code === "string" ? error.code : `http_${response.status}`,
      // a refused input in words ("The notes are too long…"), not the validator's
      response.status === 422 ? humanValidation(fields, message) : message,
      fields,
    )
    // what else the error says (a merged contact's kept_id)
    for (const [key, value] of Object.entries(error ?? {})) {
      if (!["code", "message", "fields"].includes(key)) apiError.detail[key] = value
    }
    throw apiError
  }

  async #json(response) {
    if (response.status === 204) return null
    const text = await response.text().catch(() => "")
    if (!text) return null
    try {
      return JSON.parse(text)
    } catch {
      return null
    }
  }

  #observeDate(response, sentAt) {
    const date = response.headers?.get?.("Date")
    if (this.#clock && date) this.#clock.observe(Date.parse(date), sentAt, Date.now())
  }
}
