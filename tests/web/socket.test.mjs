import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { Backoff } from "../../src/parley/web/models/backoff.js"
import { EventSocket, eventsUrl } from "../../src/parley/web/socket.js"

function harness() {
  const sockets = []
  const timers = []
  class FakeWebSocket {
    constructor(url) {
      this.url = url
      sockets.push(this)
    }
    close() { this.closed = true }
  }
  const events = []
  const opens = []
  const states = []
  let unauthenticated = 0
  const socket = new EventSocket({
    url: "ws://parley.test/api/v1/events",
    WebSocket: FakeWebSocket,
    backoff: new Backoff({ baseMs: 100, capMs: 1000, random: () => 1 }),
    setTimer: (fn, ms) => timers.push({ fn, ms }) - 1,
    clearTimer: () => {},
    onEvent: (e) => events.push(e),
    onOpen: (reconnected) => opens.push(reconnected),
    onState: (s) => states.push(s),
    onUnauthenticated: () => unauthenticated++,
  })
  return { socket, sockets, timers, events, opens, states, unauthenticated: () => unauthenticated }
}

describe("EventSocket", () => {
  it("delivers events and drops junk and replays within a connection", () => {
    const h = harness()
    h.socket.start()
    const ws = h.sockets[0]
    ws.onopen()
    ws.onmessage({ data: '{"id":1,"type":"message.created","message":{}}' })
    ws.onmessage({ data: "not json" })
    ws.onmessage({ data: "[1,2]" })
    ws.onmessage({ data: '{"id":2}' })
    ws.onmessage({ data: '{"id":1,"type":"message.created","message":{}}' })
    ws.onmessage({ data: '{"id":3,"type":"interaction.updated","interaction":{}}' })
    assert.deepEqual(h.events.map((e) => e.id), [1, 3])
    assert.deepEqual(h.opens, [false])
  })

  it("reconnects with growing delays and reports the reconnect for catch-up", () => {
    const h = harness()
    h.socket.start()
    h.sockets[0].onopen()
    h.sockets[0].onclose({ code: 1006 })
    assert.equal(h.timers.at(-1).ms, 100)
    h.timers.at(-1).fn()
    h.sockets[1].onclose({ code: 1006 })
    assert.equal(h.timers.at(-1).ms, 200)
    h.timers.at(-1).fn()
    h.sockets[2].onclose({ code: 1006 })
    assert.equal(h.timers.at(-1).ms, 400)
    h.timers.at(-1).fn()
    h.sockets[3].onopen()
    assert.deepEqual(h.opens, [false, true])
    // ids start over on a new connection
    h.sockets[3].onmessage({ data: '{"id":1,"type":"agent.updated","agent":{}}' })
    assert.equal(h.events.length, 1)
    h.sockets[3].onclose({ code: 1006 })
    assert.equal(h.timers.at(-1).ms, 100, "backoff resets after a good connection")
  })

  it("stops for good on stop() and on an authentication close", () => {
    const h = harness()
    h.socket.start()
    h.sockets[0].onopen()
    h.socket.stop()
    assert.equal(h.sockets[0].closed, true)
    assert.equal(h.timers.length, 0)

    const g = harness()
    g.socket.start()
    g.sockets[0].onclose({ code: 4401 })
    assert.equal(g.timers.length, 0)
    assert.equal(g.unauthenticated(), 1)
  })

  it("builds the events URL from the API root", () => {
    assert.equal(String(eventsUrl("https://parley.test/api/v1/")), "wss://parley.test/api/v1/events")
    assert.equal(String(eventsUrl("http://localhost:8000/api/v1/")), "ws://localhost:8000/api/v1/events")
  })
})
