// Client ids for optimistic sends. The composer mints one per message; the
// server echoes it back on the Message and uses it as the outbox idempotency
// key, so a retried POST never sends twice.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/** A random UUID v4. `randomBytes(n)` is injectable for tests; by default Web Crypto. */
export function newClientId(randomBytes = defaultRandomBytes) {
  const b = randomBytes(16)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => HEX[x])
  return `${h.slice(0, 4).join("")}-${h.slice(4, 6).join("")}-${h.slice(6, 8).join("")}-` +
    `${h.slice(8, 10).join("")}-${h.slice(10, 16).join("")}`
}

export function isClientId(value) {
  return typeof value === "string" &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value)
}

function defaultRandomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}
