"""UX fixes of the agent desktop: scroll pinned at the bottom across switches, the transcript
reloading after a network drop, the selection and drafts surviving a reload, focus after actions."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, Desk, desk, entry, go_ready, open_chat, transcript

AT_BOTTOM = "el => el.scrollHeight - el.scrollTop - el.clientHeight"


async def ready_with(d: Desk, browser: Browser, *, bruno: bool = True) -> Page:
    """Alice Ready on a new page, with Ana (and Bruno) each having written once."""
    page = await new_page(browser)
    await go_ready(page, d.url)
    await d.customer_says(ANA, {"type": "text", "text": {"body": "Ana here"}}, "Ana Souza")
    if bruno:
        await d.customer_says(BRUNO, {"type": "text", "text": {"body": "Bruno here"}}, "Bruno Lima")
    return page


async def frames(page: Page, n: int = 4) -> None:
    for _ in range(n):
        await page.evaluate("() => new Promise((r) => requestAnimationFrame(r))")


async def test_a_chat_left_at_the_bottom_comes_back_pinned_to_the_bottom(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        # tall rows: their real height is far from the estimated one of a row not yet drawn
        tall = "\n".join(f"Line {n} of a long answer" for n in range(8))
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello 0"}}, "Ana Souza")
        for n in range(1, 25):
            await d.say(ANA, f"{tall}\nNumber {n}")
        await d.customer_says(BRUNO, {"type": "text", "text": {"body": "Hi"}}, "Bruno Lima")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        # the message's body (its bubble holds the same words)
        last_words = chat.locator(".body").filter(has_text="Number 24")
        await expect(last_words).to_be_visible()
        await frames(page)
        await chat.evaluate("el => { el.scrollTop = el.scrollHeight }")
        await frames(page)
        await open_chat(page, "Bruno Lima")
        await expect(chat.get_by_text("Hi", exact=True)).to_be_visible()
        await entry(page, "Ana Souza").click()
        await expect(last_words).to_be_visible()
        await frames(page)
        assert await chat.evaluate(AT_BOTTOM) <= 2
        last = chat.locator(".msg").last
        box, pane = await last.bounding_box(), await chat.bounding_box()
        assert box and pane and box["y"] + box["height"] <= pane["y"] + pane["height"] + 1
        await shot(page, "ux-back-pinned-to-bottom")


async def test_after_a_network_drop_the_open_transcript_loads_again(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await ready_with(d, browser)
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_text("Ana here")).to_be_visible()

        await page.context.set_offline(True)
        await expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
        await entry(page, "Bruno Lima").click()
        await expect(chat.get_by_text("Couldn’t load messages.")).to_be_visible()
        await expect(chat.get_by_role("button", name="Retry")).to_be_visible()
        await shot(page, "ux-offline-could-not-load")
        await page.context.set_offline(False)
        await expect(chat.get_by_text("Bruno here")).to_be_visible(timeout=10_000)
        await expect(chat.get_by_text("Couldn’t load messages.")).to_be_hidden()
        await expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_hidden()


async def test_a_reload_keeps_the_open_chat_and_the_unsent_drafts(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await ready_with(d, browser)
        composer = page.get_by_role("textbox", name="Message")
        await open_chat(page, "Ana Souza")
        await composer.press_sequentially("Draft for Ana")
        await open_chat(page, "Bruno Lima")
        await composer.press_sequentially("Draft for Bruno")

        await page.reload()
        await expect(transcript(page).get_by_text("Bruno here")).to_be_visible()
        await expect(entry(page, "Bruno Lima")).to_have_attribute("aria-current", "true")
        await expect(composer).to_have_value("Draft for Bruno")
        await entry(page, "Ana Souza").click()
        await expect(composer).to_have_value("Draft for Ana")
        await shot(page, "ux-reload-keeps-drafts")


async def focused(page: Page) -> str:
    return str(
        await page.evaluate(
            "() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName"
        )
    )


async def test_focus_lands_somewhere_after_done_reject_and_a_reaction(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await ready_with(d, browser)
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await chat.get_by_text("Ana here").hover()
        await chat.get_by_role("button", name="React").focus()
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("menuitem", name="React with thumbs up")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(chat.get_by_role("img", name="You reacted 👍")).to_be_visible()
        await expect(chat.get_by_role("button", name="React")).to_be_focused()

        composer = page.get_by_role("textbox", name="Message")
        await composer.fill("Not sent yet")
        await page.get_by_role("button", name="Mark Done").click()
        dialog = page.get_by_role("dialog", name="Mark Done")
        await expect(dialog.get_by_text("Your unsent reply will be discarded.")).to_be_visible()
        await shot(page, "ux-done-warns-about-the-draft")
        await dialog.get_by_role("button", name="Mark Done").click()
        await expect(entry(page, "Ana Souza")).to_have_count(0)
        await expect(entry(page, "Bruno Lima")).to_be_focused()

        await expect(page.get_by_role("button", name="Reject")).to_be_visible()
        await page.get_by_role("button", name="Reject").click()
        await expect(entry(page, "Bruno Lima")).to_have_count(0, timeout=10_000)
        assert await focused(page) != "BODY"
        await expect(page.get_by_role("navigation", name="Interactions")).to_be_focused()


async def test_mark_done_without_a_draft_does_not_warn(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await ready_with(d, browser, bruno=False)
        await open_chat(page, "Ana Souza")
        await page.get_by_role("button", name="Mark Done").click()
        dialog = page.get_by_role("dialog", name="Mark Done")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_text("Your unsent reply will be discarded.")).to_be_hidden()


# Elements a re-render detached on the way have no computed style: they are skipped.
CONTRAST = """els => els.filter((el) => el.isConnected).map((el) => {
  // color-mix() computes to color(srgb r g b [/ a]) with 0..1 channels
  const rgb = (c) => {
    const n = c.match(/[\\d.]+/g).map(Number)
    return c.startsWith("color(") ? [...n.slice(0, 3).map((v) => v * 255), n[3] ?? 1] : n
  }
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
    : ((v + 0.055) / 1.055) ** 2.4 }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0)
  let bg = el
  while (bg.parentElement && rgb(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(getComputedStyle(bg).backgroundColor))
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
})"""


async def test_small_muted_text_meets_aa_contrast_in_both_themes(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await ready_with(d, browser, bruno=False)
        await open_chat(page, "Ana Souza")
        await page.get_by_role("textbox", name="Message").fill("Hello Ana")
        await page.keyboard.press("Enter")
        await expect(transcript(page).locator(".msg-out .meta time")).to_have_count(1)
        muted = ".msg-out .meta time, .msg-in .meta time, .hint, kbd, .counter, .ibar-item time"
        for theme in ("light", "dark"):
            await page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{theme}' }}")
            ratios = await page.locator(muted).evaluate_all(CONTRAST)
            assert len(ratios) >= 5 and min(ratios) >= 4.5, (theme, ratios)
