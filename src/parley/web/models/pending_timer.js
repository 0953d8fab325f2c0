// The pending response indicator: time since the oldest inbound message the
// agent has not answered (`pending_since`, server time), against two
// thresholds in seconds, [warn, alarm]:
//   no pending_since        → "none" (the indicator disappears)
//   elapsed < warn          → "green"
//   warn <= elapsed < alarm → "yellow"
//   alarm <= elapsed        → "red" (flashing, or a still cue under reduced motion)

import { toMs } from "./format.js"

export const DEFAULT_THRESHOLDS = Object.freeze([30, 50])

/** Valid [warn, alarm] seconds from whatever the config said, else the defaults. */
export function normalizeThresholds(value) {
  if (!Array.isArray(value) || value.length < 2) return DEFAULT_THRESHOLDS
  const [warn, alarm] = value.map(Number)
  if (!Number.isFinite(warn) || !Number.isFinite(alarm) || warn < 0 || alarm < warn) {
    return DEFAULT_THRESHOLDS
  }
  return Object.freeze([warn, alarm])
}

/** The level for a number of whole seconds waited. */
export function pendingLevel(elapsed, [warn, alarm]) {
  if (elapsed >= alarm) return "red"
  if (elapsed >= warn) return "yellow"
  return "green"
}

export class PendingTimer {
  #thresholds
  #now

  /**
   * @param {object} options
   * @param {number[]} [options.thresholds] [warn, alarm] in seconds
   * @param {() => number} options.now server time in ms (see ServerClock)
   */
  constructor({ thresholds = DEFAULT_THRESHOLDS, now }) {
    this.#thresholds = normalizeThresholds(thresholds)
    this.#now = now
  }

  get thresholds() {
    return this.#thresholds
  }

  /** {level, elapsed} for a pending_since value; elapsed is whole seconds, never negative. */
  measure(pendingSince) {
    const since = toMs(pendingSince)
    if (since === null) return { level: "none", elapsed: 0 }
    const elapsed = Math.max(0, Math.floor((this.#now() - since) / 1000))
    return { level: pendingLevel(elapsed, this.#thresholds), elapsed }
  }

  /** Milliseconds until the level of this pending_since next changes, or null if it never will. */
  msUntilNextLevel(pendingSince) {
    const since = toMs(pendingSince)
    if (since === null) return null
    const waited = this.#now() - since
    const next = this.#thresholds.map((s) => s * 1000).find((edge) => edge > waited)
    return next === undefined ? null : next - waited
  }
}
