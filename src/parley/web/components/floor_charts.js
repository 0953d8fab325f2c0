// The floor's two charts, drawn by Chart.js (the npm package, served from
// vendor/ by the Python package; loaded only when a supervisor opens the
// Floor). Colours are read from the theme's variables, and the charts are
// drawn again when the theme changes, so both themes stay readable. Each
// canvas is an image with a one-sentence summary for screen readers.

import { chartSeries, chartSummary, formatSeconds } from "../models/floor.js"
import { h } from "./dom.js"

const SCRIPT = "vendor/chart.js/dist/chart.umd.min.js"
let loading = null

/** Chart.js's global, loaded once from vendor/ (null when it is not installed). */
function loadChartJs() {
  if (globalThis.Chart) return Promise.resolve(globalThis.Chart)
  loading ??= new Promise((resolve) => {
    const script = h("script", { src: SCRIPT, async: true })
    script.onload = () => resolve(globalThis.Chart ?? null)
    script.onerror = () => resolve(null)
    document.head.append(script)
  })
  return loading
}

/** A theme variable as a colour the canvas understands (light-dark() resolved by the browser). */
function themeColour(name) {
  const probe = h("span", { style: `color: var(${name}); display: none` })
  document.body.append(probe)
  const colour = getComputedStyle(probe).color
  probe.remove()
  return colour
}

function withAlpha(rgb, alpha) {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb)
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : rgb
}

export class FloorCharts {
  #volume
  #wait
  #charts = []
  #intervals = []
  #threshold = 60
  #observer
  #missing
  element

  constructor() {
    this.#volume = h("canvas", { role: "img", "aria-label": "Inbound volume per 15 minutes" })
    this.#wait = h("canvas", { role: "img", "aria-label": "Wait per 15 minutes" })
    this.#missing = h("p", { class: "muted", hidden: true }, "Charts are not installed on this server (the chart.js package).")
    this.element = h("div", { class: "floor-charts" },
      h("figure", { class: "floor-chart" }, h("figcaption", {}, "Inbound volume per 15 minutes"), h("div", { class: "floor-canvas" }, this.#volume)),
      h("figure", { class: "floor-chart" }, h("figcaption", {}, "Wait per 15 minutes"), h("div", { class: "floor-canvas" }, this.#wait)),
      this.#missing)
    this.#observer = new MutationObserver(() => this.#draw())
    this.#observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] })
    matchMedia("(prefers-color-scheme: dark)").addEventListener?.("change", () => this.#draw())
  }

  /** New figures: the charts follow (drawn again; Chart.js animations are off). */
  async show(intervals, threshold) {
    this.#intervals = intervals ?? []
    this.#threshold = threshold ?? 60
    await this.#draw()
  }

  async #draw() {
    if (!this.element.isConnected) return
    const Chart = await loadChartJs()
    this.#missing.hidden = Boolean(Chart)
    if (!Chart) return
    const series = chartSeries(this.#intervals)
    const summary = chartSummary(series)
    this.#volume.setAttribute("aria-label", `Inbound volume per 15 minutes. ${summary}`)
    this.#wait.setAttribute("aria-label", `Wait per 15 minutes against the ${this.#threshold} s service level. ${summary}`)
    const text = themeColour("--text-2")
    const grid = themeColour("--border")
    const accent = themeColour("--accent")
    const red = themeColour("--red")
    const yellow = themeColour("--yellow")
    const scales = (title, seconds = false) => ({
      x: { ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
      y: { beginAtZero: true, ticks: { color: text, precision: 0, callback: seconds ? (v) => formatSeconds(v) : undefined },
        grid: { color: grid }, title: { display: true, text: title, color: text } },
    })
    const common = { responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { color: text, boxWidth: 12 } } } }
    for (const chart of this.#charts) chart.destroy()
    this.#charts = [
      new Chart(this.#volume, { type: "bar", data: { labels: series.labels, datasets: [
        { label: "Offered", data: series.offered, backgroundColor: withAlpha(accent, 0.75), borderRadius: 3 },
        { label: "Abandoned", data: series.abandoned, backgroundColor: withAlpha(red, 0.75), borderRadius: 3 },
      ] }, options: { ...common, scales: scales("Customers") } }),
      new Chart(this.#wait, { type: "line", data: { labels: series.labels, datasets: [
        { label: "Average wait", data: series.averageWait, borderColor: accent, backgroundColor: accent, spanGaps: true, pointRadius: 2 },
        { label: "p90 wait", data: series.p90Wait, borderColor: yellow, backgroundColor: yellow, spanGaps: true, pointRadius: 2 },
        { label: `Service level (${this.#threshold} s)`, data: series.labels.map(() => this.#threshold), borderColor: red,
          borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
      ] }, options: { ...common, scales: scales("Wait", true) } }),
    ]
  }
}
