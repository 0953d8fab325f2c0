// The pending response indicator beside the WhatsApp icon: a dot that is
// green, then yellow, then red and flashing (a still ring and "!" instead
// when the agent prefers reduced motion; see styles.css).

import { formatDuration } from "../models/format.js"
import { h, icon } from "./dom.js"

const WORDS = { green: "", yellow: " (warning)", red: " (overdue)" }

/** The WhatsApp icon with its indicator; update it with updateChannelIcon(). */
export function channelIcon(size = 18) {
  const dot = h("span", { class: "pending-dot", role: "img", hidden: true })
  return h("span", { class: "channel-icon", title: "WhatsApp" }, icon("whatsapp", { size }), dot)
}

/** Show `measure` ({level, elapsed} from PendingTimer) on a channelIcon(). */
export function updateChannelIcon(el, { level, elapsed }) {
  const dot = el.querySelector(".pending-dot")
  el.dataset.level = level
  if (level === "none") {
    dot.hidden = true
    dot.removeAttribute("aria-label")
    return
  }
  dot.hidden = false
  dot.dataset.level = level
  dot.setAttribute("aria-label", `Pending response ${formatDuration(elapsed)}${WORDS[level]}`)
}
