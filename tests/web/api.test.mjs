import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { Api, ApiError, readCookie } from "../../src/parley/web/api.js"

function fakeFetch(respond) {
  const calls = []
  const fetch = async (url, init) => {
    calls.push({ url: String(url), ...init })
    const { status = 200, body = "", headers = {} } = await respond(String(url), init)
    const text = status === 204 ? null : typeof body === "string" ? body : JSON.stringify(body)
    return new Response(text, { status, headers })
  }
  return { fetch, calls }
}

const BASE = "http://parley.test/api/v1/"

describe("readCookie", () => {
  it("finds one cookie among many", () => {
    assert.equal(readCookie("a=1; parley_csrf=tok%2Fen; b=2", "parley_csrf"), "tok/en")
    assert.equal(readCookie("xparley_csrf=no", "parley_csrf"), null)
    assert.equal(readCookie("", "parley_csrf"), null)
    assert.equal(readCookie("parley_csrf=%E0%A4%A", "parley_csrf"), "%E0%A4%A")
  })
})

describe("Api", () => {
  it("sends JSON with the CSRF header on state-changing requests only", async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { ok: true } }))
    const api = new Api({ baseUrl: BASE, fetch, cookies: () => "parley_csrf=abc" })
    assert.deepEqual(await api.post("interactions/12/messages", { text: "Hi", client_id: "c1" }), { ok: true })
    await api.get("interactions", { before: 40, limit: 50, skip: undefined })
    await api.put("me/status", { status: "ready" })
    assert.equal(calls[0].url, "http://parley.test/api/v1/interactions/12/messages")
    assert.equal(calls[0].method, "POST")
    assert.equal(calls[0].headers["X-CSRF-Token"], "abc")
    assert.equal(calls[0].headers["Content-Type"], "application/json")
    assert.equal(calls[0].body, '{"text":"Hi","client_id":"c1"}')
    assert.equal(calls[1].url, "http://parley.test/api/v1/interactions?before=40&limit=50")
    assert.equal(calls[1].headers["X-CSRF-Token"], undefined)
    assert.equal(calls[2].headers["X-CSRF-Token"], "abc")
  })

  it("falls back to the login answer's csrf_token when there is no cookie", async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 204 }))
    const api = new Api({ baseUrl: BASE, fetch })
    api.setCsrfToken("from-login")
    assert.equal(await api.post("auth/logout"), null)
    assert.equal(calls[0].headers["X-CSRF-Token"], "from-login")
  })

  it("throws ApiError with the server's code and message", async () => {
    const { fetch } = fakeFetch(() => ({
      status: 409, body: { error: { code: "interaction_not_active", message: "This interaction is no longer active." } },
    }))
    const api = new Api({ baseUrl: BASE, fetch })
    await assert.rejects(api.post("interactions/1/done", {}), (error) => {
      assert.ok(error instanceof ApiError)
      assert.equal(error.status, 409)
      assert.equal(error.code, "interaction_not_active")
      assert.equal(error.message, "This interaction is no longer active.")
      return true
    })
  })

  it("keeps validation fields and calls onUnauthenticated on 401", async () => {
    let signedOut = 0
    let why = null
    const { fetch } = fakeFetch((url) => url.endsWith("/me")
      ? { status: 401, body: { error: { code: "account_deactivated", message: "Deactivated." } } }
      : { status: 422, body: { error: { code: "validation_error", message: "Invalid.", fields: [{ field: "text", message: "Too long" }] } } })
    const api = new Api({ baseUrl: BASE, fetch, onUnauthenticated: (o) => { signedOut++; why = o.code } })
    await assert.rejects(api.get("me"), { code: "account_deactivated", status: 401 })
    assert.equal(signedOut, 1)
    assert.equal(why, "account_deactivated") // the desktop says why the session ended
    await assert.rejects(api.post("x", {}), (e) => e.fields[0].field === "text")
  })

  it("makes a sentence of errors that are not Parley's JSON", async () => {
    const { fetch } = fakeFetch(() => ({ status: 502, body: "<html>Bad gateway</html>" }))
    const api = new Api({ baseUrl: BASE, fetch })
    await assert.rejects(api.get("me"), (e) => e.code === "http_502" && /problem \(502\)/.test(e.message))
    const down = new Api({ baseUrl: BASE, fetch: async () => { throw new TypeError("Failed to fetch") } })
    await assert.rejects(down.get("me"), { code: "network_error", status: 0 })
  })

  it("calls the global fetch unbound, as browsers require", async () => {
    const original = globalThis.fetch
    globalThis.fetch = function strictFetch() {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation")
      return Promise.resolve(new Response('{"id":1}', { status: 200 }))
    }
    try {
      assert.deepEqual(await new Api({ baseUrl: BASE }).get("me"), { id: 1 })
    } finally {
      globalThis.fetch = original
    }
  })

  it("feeds the server clock from the Date header", async () => {
    const samples = []
    const { fetch } = fakeFetch(() => ({ body: {}, headers: { Date: "Wed, 11 Mar 2026 15:00:00 GMT" } }))
    const api = new Api({ baseUrl: BASE, fetch, clock: { observe: (...args) => samples.push(args) } })
    await api.get("config")
    assert.equal(samples.length, 1)
    assert.equal(samples[0][0], Date.parse("2026-03-11T15:00:00Z"))
  })
})
