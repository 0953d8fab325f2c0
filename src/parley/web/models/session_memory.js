// What a reload must not lose: the open interaction and the unsent drafts
// (text and quoted reply), kept in sessionStorage per logged-in user so a
// colleague on the same browser never sees them. Storage may be missing or
// full (private mode): then nothing is remembered and nothing breaks.

const PREFIX = "parley-desk:"

export class SessionMemory {
  #storage
  #key
  #state

  /** @param {{storage: Storage|null, userId: string|number}} o */
  constructor({ storage, userId }) {
    this.#storage = storage
    this.#key = `${PREFIX}${userId}`
    this.#state = this.#read()
  }

  get selectedId() { return this.#state.selected }

  /** interaction id → {text, replyTo} */
  drafts() {
    return new Map(Object.entries(this.#state.drafts))
  }

  saveSelected(id) {
    this.#state.selected = id === null || id === undefined ? null : String(id)
    this.#write()
  }

  /** An empty draft (no text, no reply) is forgotten. */
  saveDraft(id, draft) {
    const k = String(id)
    if (draft && (draft.text || draft.replyTo)) this.#state.drafts[k] = { text: draft.text ?? "", replyTo: draft.replyTo ?? null }
    else delete this.#state.drafts[k]
    this.#write()
  }

  /** Forget what belongs to interactions the agent no longer holds. */
  prune(heldIds) {
    const held = new Set([...heldIds].map(String))
    for (const k of Object.keys(this.#state.drafts)) if (!held.has(k)) delete this.#state.drafts[k]
    if (this.#state.selected !== null && !held.has(this.#state.selected)) this.#state.selected = null
    this.#write()
  }

  #read() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(this.#key) ?? "null")
      const drafts = saved?.drafts && typeof saved.drafts === "object" ? saved.drafts : {}
      return { selected: typeof saved?.selected === "string" ? saved.selected : null, drafts }
    } catch {
      return { selected: null, drafts: {} }
    }
  }

  #write() {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(this.#state))
    } catch {
      // full or unavailable: the drafts still live in memory until the reload
    }
  }
}
