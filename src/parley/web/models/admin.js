// Pure helpers of the admin pages: what a user edit sends, how a list is
// reordered, the audit log's query from the page's filters, how an entry reads.

export const ROLES = [["agent", "Agent"], ["supervisor", "Supervisor"], ["admin", "Admin"]]

/** The PATCH body for a user: only what changed (capacity "" → null, the default). */
export function userChanges(user, form) {
  const body = {}
  if (form.name.trim() && form.name.trim() !== user.name) body.name = form.name.trim()
  if (form.role !== user.role) body.role = form.role
  const capacity = String(form.capacity ?? "").trim() === "" ? null : Number(form.capacity)
  if (capacity !== (user.capacity ?? null)) body.capacity = capacity
  const teams = [...form.teamIds].map(Number).sort((a, b) => a - b)
  const before = user.teams.map((t) => t.id).sort((a, b) => a - b)
  if (teams.join() !== before.join()) body.team_ids = teams
  if (form.scope && form.scope !== user.supervisor_scope) body.supervisor_scope = form.scope
  return body
}

/** `ids` with the one at `index` moved by `delta` (−1 up, +1 down); the same list at an edge. */
export function moved(ids, index, delta) {
  const to = index + delta
  if (index < 0 || index >= ids.length || to < 0 || to >= ids.length) return [...ids]
  const next = [...ids]
  ;[next[index], next[to]] = [next[to], next[index]]
  return next
}

/**
 * The audit log's query from the page's filters: `from` and `to` are days
 * ("2026-01-05", the agent's own calendar), `to` included; `offsetMinutes` is
 * the browser's `Date#getTimezoneOffset()` for that day.
 */
export function auditQuery({ from = "", to = "", actor = "", action = "" } = {}, offsetMinutes = 0) {
  const query = {}
  const dayStart = (day, plus = 0) => {
    const [y, m, d] = day.split("-").map(Number)
    return new Date(Date.UTC(y, m - 1, d + plus) + offsetMinutes * 60_000).toISOString()
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) query.since = dayStart(from)
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) query.until = dayStart(to, 1)
  if (actor) query.actor = actor
  if (action) query.action = action
  return query
}

export const ACTIONS = [["", "Any action"], ["user.", "Users"], ["team.", "Teams"], ["workbin.", "Workbins"],
  ["disposition.", "Dispositions"], ["not_ready_reason.", "Not Ready reasons"], ["interaction.", "Interactions"],
  ["agent.", "Agents"]]

/** "Root Admin" or "Parley" (the system acting by itself). */
export function actorName(entry) {
  return entry?.actor?.name || (entry?.actor ? entry.actor.username : "Parley")
}

/** A user's one-line state for the list: "Deactivated", "Must change password", or their presence. */
export function userState(user) {
  if (!user.active) return "Deactivated"
  if (user.must_change_password) return "Temporary password"
  return { ready: "Ready", not_ready: "Not Ready", logged_out: "Logged out" }[user.status] ?? user.status
}
