// The Standard Response Library in the desktop: the category tree, search
// highlighting and keyboard movement over results. Pure: no DOM.

/**
 * Categories (flat, with parent_id) and responses as a tree:
 * [{id, name, children: [...], responses: [...]}], each level sorted by position then name.
 * Categories whose parent is unknown are shown at the top rather than lost.
 */
export function buildTree(categories = [], responses = []) {
  const nodes = new Map()
  for (const c of categories) nodes.set(String(c.id), { ...c, children: [], responses: [] })
  const roots = []
  for (const node of nodes.values()) {
    const parent = node.parent_id === null || node.parent_id === undefined ? null : nodes.get(String(node.parent_id))
    ;(parent ? parent.children : roots).push(node)
  }
  for (const r of responses) nodes.get(String(r.category_id))?.responses.push(r)
  const order = (a, b) => (a.position ?? 0) - (b.position ?? 0) || String(a.name).localeCompare(String(b.name))
  const sort = (list) => {
    list.sort(order)
    for (const n of list) {
      sort(n.children)
      n.responses.sort((a, b) => String(a.name).localeCompare(String(b.name)))
    }
    return list
  }
  return sort(roots)
}

/** How many responses a category holds, its subcategories included. */
export function countResponses(node) {
  return node.responses.length + node.children.reduce((n, c) => n + countResponses(c), 0)
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Split `text` into [{text, match}] segments where each word of `query` is marked,
 * case-insensitively (Unicode simple case folding), longest words first.
 */
export function highlight(text, query) {
  const source = String(text ?? "")
  const words = String(query ?? "").split(/\s+/).filter(Boolean).sort((a, b) => b.length - a.length)
  if (!words.length || !source) return source ? [{ text: source, match: false }] : []
  const pattern = new RegExp(words.map(escape).join("|"), "giu")
  const out = []
  let at = 0
  for (const m of source.matchAll(pattern)) {
    if (m[0] === "") continue
    if (m.index > at) out.push({ text: source.slice(at, m.index), match: false })
    out.push({ text: m[0], match: true })
    at = m.index + m[0].length
  }
  if (at < source.length) out.push({ text: source.slice(at), match: false })
  return out
}

/**
 * A one-line excerpt of `text` around the first match of `query` (at most `size`
 * characters), for search results that matched in the text rather than the name.
 */
export function excerpt(text, query, size = 90) {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim()
  if (flat.length <= size) return flat
  const words = String(query ?? "").split(/\s+/).filter(Boolean)
  const lower = flat.toLowerCase()
  const hit = words.map((w) => lower.indexOf(w.toLowerCase())).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0
  const start = Math.max(0, Math.min(hit - Math.floor(size / 5), flat.length - size))
  return `${start > 0 ? "…" : ""}${flat.slice(start, start + size).trim()}${start + size < flat.length ? "…" : ""}`
}

/** The next active index for an arrow, Home or End key over `count` results (-1: none). */
export function moveActive(index, key, count) {
  if (count <= 0) return -1
  switch (key) {
    case "ArrowDown": return index < 0 ? 0 : Math.min(count - 1, index + 1)
    case "ArrowUp": return index <= 0 ? 0 : index - 1
    case "Home": return 0
    case "End": return count - 1
    default: return index
  }
}

/** Whether a key press is the shortcut that opens the response search (Ctrl/⌘+Shift+R … or F4). */
export function isSearchShortcut(event) {
  if (event.key === "F4") return true
  return Boolean((event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey
    && String(event.key).toLowerCase() === "r")
}

/** Put `inserted` into `value` at the selection [start, end), with a space or line around it if needed. */
export function insertAt(value, inserted, start = value.length, end = start) {
  const before = value.slice(0, start)
  const after = value.slice(end)
  const lead = before && !/\s$/.test(before) ? " " : ""
  const trail = after && !/^\s/.test(after) ? " " : ""
  const text = `${before}${lead}${inserted}${trail}${after}`
  const caret = before.length + lead.length + inserted.length
  return { text, caret }
}
