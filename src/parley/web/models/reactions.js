// Reactions shown on the message they react to. WhatsApp delivers a
// reaction as its own message ({type: "reaction", content: {message_id:
// <wamid of the target>, emoji}}; an empty emoji removes it), and each person
// has at most one reaction per message: the latest wins. The server may also
// list a message's current reactions on it (`reactions: [{emoji, direction,
// at}]`). Pure: messages in, a plan for the transcript out.

import { messageKey } from "./message_view.js"

/**
 * @param {object[]} items a transcript's messages, oldest first
 * @returns {{hidden: Set<string>, reactions: Map<string, {emoji: string, direction: string}[]>}}
 *   hidden: keys of reaction messages now shown on their target;
 *   reactions: message key → reactions to show on it, customer's first.
 */
export function foldReactions(items) {
  const byWamid = new Map()
  const state = new Map() // target key → Map(direction → emoji)
  for (const m of items) {
    if (m?.type !== "reaction" && m?.wamid) byWamid.set(m.wamid, m)
    if (Array.isArray(m?.reactions) && m.reactions.length) {
      const own = new Map()
      for (const r of m.reactions) {
        if (r && typeof r.emoji === "string" && r.emoji) own.set(r.direction === "out" ? "out" : "in", r.emoji)
      }
      state.set(messageKey(m), own)
    }
  }
  const hidden = new Set()
  for (const m of items) {
    if (m?.type !== "reaction") continue
    const target = byWamid.get(m.content?.message_id)
    if (!target) continue
    const key = messageKey(target)
    const own = state.get(key) ?? new Map()
    const direction = m.direction === "out" ? "out" : "in"
    const emoji = typeof m.content?.emoji === "string" ? m.content.emoji : ""
    if (emoji) own.set(direction, emoji)
    else own.delete(direction)
    state.set(key, own)
    hidden.add(messageKey(m))
  }
  const reactions = new Map()
  for (const [key, own] of state) {
    const list = ["in", "out"].filter((d) => own.has(d)).map((d) => ({ emoji: own.get(d), direction: d }))
    if (list.length) reactions.set(key, list)
  }
  return { hidden, reactions }
}

/** The agent's current reaction on a message ("" when none). */
export function myReaction(plan, message) {
  return plan.reactions.get(messageKey(message))?.find((r) => r.direction === "out")?.emoji ?? ""
}

/** A short signature of a message's reactions, so an unchanged row is reused. */
export function reactionSignature(list) {
  return (list ?? []).map((r) => `${r.direction}:${r.emoji}`).join("|")
}

/** Apply the agent's reaction to a message's `reactions` list (empty emoji removes it). */
export function withMyReaction(message, emoji, at) {
  const others = (Array.isArray(message.reactions) ? message.reactions : []).filter((r) => r.direction !== "out")
  return { ...message, reactions: emoji ? [...others, { emoji, direction: "out", at }] : others }
}
