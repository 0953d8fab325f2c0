// The desktop's parts register themselves here; the shell (<parley-app>)
// mounts each in its region, hands it the shared context and ticks it once a
// second. A feature adds a panel or a whole view by registering it in its own
// module, without touching the shell. Pure: no DOM here, so node tests load it.
//
// Regions:
//   "topbar"  beside the theme button (the agent's status)
//   "nav"     the left column (the interaction bar)
//   "main"    the open interaction: control bar, transcript, composer
//   "aside"   the right column (case information)
//   "view"    a whole view the agent switches to from the view tabs (workbins,
//             the contact directory, my history); the interactions view is the default
//   "overlay" dialogs and pickers that float over everything

const REGIONS = new Set(["topbar", "nav", "main", "aside", "view", "overlay"])
const registry = new Map()

/**
 * @param {{id: string, region: string, order?: number, create: (ctx: object) => object,
 *          label?: string, icon?: string, visible?: (ctx: object) => boolean}} panel
 *   `create` returns the element (a custom element with optional `connect(ctx)`, `tick()`);
 *   views also need a `label` (the tab's name) and may hide their tab with `visible`.
 */
export function registerPanel(panel) {
  if (!panel?.id || typeof panel.create !== "function") throw new TypeError("a panel needs an id and create()")
  if (!REGIONS.has(panel.region)) throw new TypeError(`unknown region ${panel.region}`)
  if (panel.region === "view" && !panel.label) throw new TypeError("a view needs a label")
  registry.set(panel.id, { order: 100, ...panel })
}

/** The panels of a region, in their order (then by id, so the layout never depends on import order). */
export function panelsIn(region) {
  return [...registry.values()]
    .filter((p) => p.region === region)
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
}

/** For tests: forget every registration. */
export function clearPanels() {
  registry.clear()
}
