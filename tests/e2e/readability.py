"""Contrast of the desktop's controls measured in the page, from computed styles.

`CONTRAST_JS` takes an element and answers the WCAG 2 contrast ratio of its label (text colour,
or for an icon-only button its icon's `currentColor`) against what is really behind it: its own
background composited over its ancestors' (translucent layers included), with every opacity on
the way applied to both. Gradients and images are not read: the desktop uses none behind text.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

# Transitions would leave a colour half-way when it is read.
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"

CONTRAST_JS = """
(el) => {
  const parse = (value) => {
    const m = value.match(/^rgba?\\(([^)]+)\\)$/)
    if (m) {
      const [r, g, b, a = "1"] = m[1].split(/[ ,/]+/).filter(Boolean)
      return [Number(r), Number(g), Number(b), Number(a)]
    }
    const c = value.match(/^color\\(srgb ([^)]+)\\)$/)
    if (c) {
      const [rgb, alpha] = c[1].split("/")
      const [r, g, b] = rgb.trim().split(/\\s+/).map(Number)
      return [r * 255, g * 255, b * 255, alpha === undefined ? 1 : Number(alpha)]
    }
    return [0, 0, 0, 0]
  }
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3])
    if (a === 0) return [0, 0, 0, 0]
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a
    return [mix(0), mix(1), mix(2), a]
  }
  const lum = ([r, g, b]) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4 }
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
  }
  // what is behind the element: the ancestors' backgrounds, nearest on top, down to an opaque one
  const layers = []
  for (let n = el.parentElement; n; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor)
    if (bg[3] > 0) layers.push(bg)
    if (bg[3] >= 1) break
  }
  let behind = [255, 255, 255, 1]
  const canvas = parse(getComputedStyle(document.documentElement).backgroundColor)
  if (canvas[3] > 0) behind = over(canvas, behind)
  for (const layer of layers.reverse()) behind = over(layer, behind)
  let opacity = 1
  for (let n = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity)
  const style = getComputedStyle(el)
  const own = over(parse(style.backgroundColor), behind)
  const svg = el.querySelector("svg")
  const label = el.textContent.trim() || !svg ? style.color : getComputedStyle(svg).stroke !== "none"
    ? getComputedStyle(svg).stroke : getComputedStyle(svg).fill
  const text = over(parse(label), own)
  const seen = (c) => over([c[0], c[1], c[2], opacity], behind)
  const [l1, l2] = [lum(seen(text)), lum(seen(own))].sort((a, b) => b - a)
  return { ratio: (l1 + 0.05) / (l2 + 0.05), opacity, text: el.textContent.trim() !== "" }
}
"""

# Every control on screen that a person can see and press.
CONTROLS_JS = """
() => [...document.querySelectorAll("button, [role=tab], a.btn, summary")].filter((el) => {
  const box = el.getBoundingClientRect()
  if (box.width < 4 || box.height < 4 || el.closest("[hidden], dialog:not([open])")) return false
  const style = getComputedStyle(el)
  return style.visibility !== "hidden" && style.display !== "none"
}).map((el, i) => { el.dataset.contrastProbe = String(i); return i })
"""


async def control_contrasts(page: Page) -> list[dict[str, Any]]:
    """Each visible control in each state (default, hover, focus, disabled, disabled + hover):
    `{name, state, ratio, text}`; controls that only show on hover are measured hovered."""
    await page.add_style_tag(content=NO_MOTION)
    probes: list[int] = await page.evaluate(CONTROLS_JS)
    results: list[dict[str, Any]] = []
    for probe in probes:
        control = page.locator(f"[data-contrast-probe='{probe}']")
        if not await control.count():  # drawn again since (a live row): its twin is measured
            continue
        name = await control.evaluate(
            "el => el.getAttribute('aria-label') || el.textContent.trim() || el.title"
        )
        was_disabled = await control.evaluate("el => el.disabled === true")
        for state in ("default", "hover", "focus", "disabled", "disabled+hover"):
            await page.mouse.move(1, 1)
            await page.evaluate("() => document.activeElement?.blur?.()")
            disabled = state.startswith("disabled") or was_disabled
            await control.evaluate("(el, d) => { if ('disabled' in el) el.disabled = d }", disabled)
            if state.endswith("hover"):
                await control.hover(force=True)
            if state == "focus":
                await page.keyboard.press("Shift")  # focus by keyboard: :focus-visible applies
                await control.focus()
            measured = await control.evaluate(CONTRAST_JS)
            if measured["opacity"] == 0 and not state.endswith("hover"):
                continue  # shown only under the mouse (a message's Reply / React)
            results.append({"name": name, "state": state, **measured})
        await control.evaluate("(el, d) => { if ('disabled' in el) el.disabled = d }", was_disabled)
    await page.mouse.move(1, 1)
    return results


def too_faint(results: list[dict[str, Any]]) -> list[str]:
    """Labels under WCAG AA: 4.5:1 for text, 3:1 for an icon (non-text contrast, 1.4.11)."""
    return [
        f"{r['name']!r} {r['state']}: {r['ratio']:.2f}:1"
        for r in results
        if r["ratio"] < (4.5 if r["text"] else 3.0)
    ]
