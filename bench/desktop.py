"""The desktop with a long transcript: opening it, paging back, scrolling, memory.

One contact has sent 2,000 messages to one interaction; an agent opens it in Chromium
(Debian's, driven by Playwright) at 1280x720. Measured in the page: the time from the click on
the interaction to its newest message on screen, each "See older messages" page until the page's
first message is on screen, the frame times while the transcript scrolls from the newest message
to the oldest (400 px a frame), and the JavaScript heap at the end.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright, expect

from bench.loadgen import Connection, body_for
from bench.procs import PASSWORD, database_for, node_env, parley_node
from bench.seed import seed

CHROMIUM = os.environ.get("PARLEY_BENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MESSAGES = 2000

# Counts frames while the transcript scrolls to the top in small steps, as a wheel would.
SCROLL = """async () => {
  const box = document.querySelector('[aria-label="Transcript"]')
  box.scrollTop = box.scrollHeight
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
  const frames = []
  let last = performance.now()
  let running = true
  const tick = (now) => { frames.push(now - last); last = now; if (running) requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
  while (box.scrollTop > 0) {
    box.scrollTop = Math.max(0, box.scrollTop - 400)
    await new Promise((done) => requestAnimationFrame(done))
  }
  running = false
  return frames.slice(1)
}"""


async def _load(port: int) -> None:
    """One contact's 2,000 messages, as Meta would send them."""
    connection = Connection("127.0.0.1", port, "/webhooks/whatsapp")
    try:
        for n in range(MESSAGES):
            _, body = body_for("desk", n, 1)
            if await connection.post(body) != 200:
                raise RuntimeError("webhook refused")
    finally:
        connection.close()


async def _measure(page: Page, base: str) -> dict[str, Any]:
    await page.goto(base + "/")
    await page.get_by_label("Username").fill("agent0")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("button", name="Ready", exact=True).click()
    transcript = page.get_by_role("region", name="Transcript")
    entry = page.get_by_role("button", name="Customer 0")
    await expect(entry).to_be_visible(timeout=30_000)
    start = time.perf_counter()
    await entry.click()
    newest = f"Hello, this is message {MESSAGES - 1}"
    await expect(transcript.get_by_text(newest, exact=True)).to_be_visible(timeout=30_000)
    open_ms = (time.perf_counter() - start) * 1000
    pages_ms = []
    older = page.get_by_role("button", name="See older messages")
    while await older.count() and await older.is_visible():
        count = await transcript.locator("[data-id]").count()
        start = time.perf_counter()
        await older.click()
        await expect(transcript.locator("[data-id]")).not_to_have_count(count)
        pages_ms.append((time.perf_counter() - start) * 1000)
    rows = await transcript.locator("[data-id]").count()
    frames = sorted(await page.evaluate(SCROLL))
    heap = await page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    return {
        "messages": MESSAGES,
        "rows_loaded": rows,
        "open_ms": round(open_ms),
        "older_pages": len(pages_ms),
        "older_page_ms_median": round(statistics.median(pages_ms)) if pages_ms else None,
        "older_page_ms_last": round(pages_ms[-1]) if pages_ms else None,
        "scroll_frames": len(frames),
        "frame_ms_p50": round(statistics.median(frames), 1),
        "frame_ms_p95": round(frames[int(0.95 * (len(frames) - 1))], 1),
        "frames_over_50ms": sum(1 for f in frames if f > 50),
        "js_heap_mb": round(heap / 2**20, 1),
    }


async def _run(port: int, work: Path) -> dict[str, Any]:
    database = database_for("sqlite", work)
    await seed(database, work, agents=1, password=PASSWORD, capacity=3)
    env = node_env(database, work, auto_accept="true")
    with parley_node(port, env):
        await _load(port)
        os.environ.setdefault("HOME", str(work))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 720})
                return await _measure(await context.new_page(), f"http://127.0.0.1:{port}")
            finally:
                await browser.close()


def run(port: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_run(port, Path(tmp)))
