"""The agent's workspace: the interaction bar, the pending response indicator, the flashing tab,
read receipts and typing, Mark Done with a disposition, offers, status, themes and sizes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, card, desk, entry, go_ready, open_chat, transcript

HIDE = """
Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"})
Object.defineProperty(document, "hidden", {configurable: true, get: () => true})
document.dispatchEvent(new Event("visibilitychange"))
"""
SHOW = """
Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"})
Object.defineProperty(document, "hidden", {configurable: true, get: () => false})
document.dispatchEvent(new Event("visibilitychange"))
"""


async def two_frames(page: Page) -> None:
    await page.evaluate(
        "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


async def level(page: Page, name: str) -> str | None:
    return await entry(page, name).locator(".pending-dot").get_attribute("data-level")


async def test_pending_indicator_turns_yellow_then_red_and_goes_when_the_agent_sends(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, pending_response_thresholds=(30, 50)) as d:
        page = await new_page(browser)
        await page.clock.install(time=datetime.now(UTC))
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Anyone there?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        dot = card(page, "Ana Souza").locator(".pending-dot")
        await expect(dot).to_have_attribute("data-level", "green")
        await expect(dot).to_have_attribute("aria-label", re.compile(r"^Pending response 0:0\d$"))
        green = await dot.evaluate("el => getComputedStyle(el).backgroundColor")

        await page.clock.run_for(31_000)
        await expect(dot).to_have_attribute("data-level", "yellow")
        await expect(page.locator(".cbar-timer")).to_have_attribute("data-level", "yellow")
        yellow = await dot.evaluate("el => getComputedStyle(el).backgroundColor")

        await page.clock.run_for(20_000)
        await expect(dot).to_have_attribute("data-level", "red")
        await expect(dot).to_have_attribute("aria-label", re.compile(r"\(overdue\)$"))
        red = await dot.evaluate("el => getComputedStyle(el).backgroundColor")
        flashing = await dot.evaluate("el => getComputedStyle(el).animationName")
        assert len({green, yellow, red}) == 3
        assert flashing == "pending-flash"
        await shot(page, "desktop-pending-red")

        await page.get_by_role("textbox", name="Message").fill("Here, sorry for the wait!")
        await page.get_by_role("textbox", name="Message").press("Enter")
        await expect(card(page, "Ana Souza").locator(".pending-dot")).to_be_hidden()


async def test_hidden_tab_flashes_title_and_favicon_notifies_and_stops_on_click(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        context = await browser.new_context(viewport={"width": 1280, "height": 720})
        await context.grant_permissions(["notifications"], origin=d.url)
        await context.add_init_script("""
            window.__notes = []
            window.Notification = class { constructor(title, o) { window.__notes.push({title, body: o.body}) }
              static get permission() { return "granted" } close() {} }
        """)
        page = await context.new_page()
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "First question"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        await page.get_by_role("textbox", name="Message").fill("Hello!")
        await page.get_by_role("textbox", name="Message").press("Enter")
        await expect(card(page, "Ana Souza").locator(".pending-dot")).to_be_hidden()

        await page.evaluate(HIDE)
        await d.customer_says(
            BRUNO, {"type": "text", "text": {"body": "Is the shop open?"}}, "Bruno Lima"
        )
        await expect(page).to_have_title("(1) New message – Parley", timeout=10_000)
        await expect(page).to_have_title("Parley")  # it alternates
        await expect(page.locator("link[rel~=icon]")).to_have_attribute(
            "href", re.compile("favicon-alert.svg$")
        )
        notes = await page.evaluate("window.__notes")
        assert notes == [
            {"title": "Bruno Lima is waiting for a reply", "body": "Is the shop open?"}
        ]

        # a new inbound message makes the entry blink
        await d.say(ANA, "Second question")
        await expect(card(page, "Ana Souza")).to_have_class(re.compile("blink"))

        # back on the tab, clicking each waiting interaction stops the flashing
        await page.evaluate(SHOW)
        await entry(page, "Bruno Lima").click()
        await page.get_by_role("button", name="Accept").click()
        await entry(page, "Ana Souza").click()
        await expect(page).to_have_title("Parley")
        await page.wait_for_timeout(1200)
        await expect(page).to_have_title("Parley")
        await expect(page.locator("link[rel~=icon]")).to_have_attribute(
            "href", re.compile("/favicon.svg$")
        )


async def test_bar_keeps_drafts_and_scroll_per_interaction_and_receipts_reach_the_phone(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Message 0"}}, "Ana Souza")
        for n in range(1, 30):
            await d.say(ANA, f"Message {n}")
        await d.customer_says(
            BRUNO, {"type": "text", "text": {"body": "Hi from Bruno"}}, "Bruno Lima"
        )
        bar = page.get_by_role("navigation", name="Interactions")
        await expect(bar.get_by_role("button")).to_have_count(2)
        await expect(card(page, "Bruno Lima")).to_contain_text("Hi from Bruno")

        await open_chat(page, "Ana Souza")
        await expect(transcript(page).get_by_text("Message 29")).to_be_visible()
        # seen by the agent: marked read on the customer's phone; typing shows there too
        composer = page.get_by_role("textbox", name="Message")
        await composer.press_sequentially("Half a dra")
        for _ in range(100):
            phone = await d.phone_messages(ANA)
            read = all(m["status"] == "read" for m in phone if m["direction"] == "in")
            typing = (await d.customer(ANA))["typing"] is True
            if read and typing:
                break
            await page.wait_for_timeout(100)
        assert read, "the messages the agent has seen are marked read on the phone"
        assert typing, "the phone shows the agent typing"

        scroller = transcript(page)
        first_in_view = """el => [...el.querySelectorAll('.msg')].find(
            m => m.getBoundingClientRect().bottom > el.getBoundingClientRect().top + 1)?.dataset.key"""
        await scroller.evaluate("el => { el.scrollTop = 200 }")
        await two_frames(page)  # rows drawn for the first time settle to their real heights
        before = await scroller.evaluate(first_in_view)
        await open_chat(page, "Bruno Lima")
        await expect(composer).to_have_value("")
        await composer.fill("For Bruno")
        await d.say(ANA, "Message 30")  # arrives while Ana is in the background
        await expect(card(page, "Ana Souza").locator(".badge")).to_have_text("1")

        await entry(page, "Ana Souza").click()
        await expect(composer).to_have_value("Half a dra")
        await two_frames(page)
        assert await scroller.evaluate(first_in_view) == before
        assert not await scroller.evaluate(
            "el => el.scrollHeight - el.scrollTop - el.clientHeight < 50"
        )
        await entry(page, "Bruno Lima").click()
        await expect(composer).to_have_value("For Bruno")


async def test_mark_done_with_disposition_and_note(settings: Settings, browser: Browser) -> None:
    async with desk(settings, disposition_required=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Thanks, all good"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        await page.get_by_role("button", name="Mark Done").click()
        dialog = page.get_by_role("dialog", name="Mark Done")
        await expect(dialog).to_be_visible()
        await dialog.get_by_label("Note (optional)").fill("Order found, courier called.")
        await dialog.get_by_role("button", name="Mark Done").click()
        await expect(dialog.get_by_role("alert")).to_contain_text("Choose a disposition")
        await shot(page, "desktop-mark-done")
        await dialog.get_by_label("Disposition (required)").select_option("Resolved")
        await dialog.get_by_role("button", name="Mark Done").click()
        await expect(dialog).to_be_hidden()
        await expect(entry(page, "Ana Souza")).to_have_count(0)


async def test_offer_accept_reject_and_status_with_reason(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello"}}, "Ana Souza")
        await expect(card(page, "Ana Souza")).to_contain_text("Offer")
        await expect(page.get_by_role("textbox", name="Message")).to_be_disabled()
        await shot(page, "desktop-offer")
        await page.get_by_role("button", name="Reject").click()
        await expect(entry(page, "Ana Souza")).to_have_count(0, timeout=10_000)

        await page.get_by_role("button", name="Choose reason").click()
        await page.get_by_role("menuitemradio", name="Lunch").click()
        await expect(page.get_by_text("Not Ready · Lunch")).to_be_visible()
        await expect(page.get_by_role("button", name="Not Ready")).to_have_attribute(
            "aria-pressed", "true"
        )
        await page.get_by_role("button", name="Ready", exact=True).click()
        await expect(page.get_by_role("button", name="Ready", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        await page.get_by_role("button", name="Log out").click()
        await expect(page.get_by_role("button", name="Log in")).to_be_visible()


async def test_reconnects_after_a_server_restart_and_catches_up_once(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Before the restart"}}, "Ana Souza"
        )
        await entry(page, "Ana Souza").click()
        chat = transcript(page)
        await expect(chat.get_by_text("Before the restart")).to_be_visible()

        await d.stop_server()
        await expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible(
            timeout=10_000
        )
        await shot(page, "desktop-reconnecting")
        # the simulator retries the webhook until Parley is back
        await d.say(ANA, "While you were away")
        await d.start_server()
        await expect(chat.get_by_text("While you were away")).to_be_visible(timeout=20_000)
        await expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_hidden()
        await d.say(ANA, "After the restart")
        await expect(chat.get_by_text("After the restart")).to_be_visible()
        for text in ("Before the restart", "While you were away", "After the restart"):
            await expect(chat.get_by_text(text)).to_have_count(1)


async def test_keyboard_themes_and_sizes(settings: Settings, browser: Browser) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser, 1920, 1080)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA,
            {"type": "text", "text": {"body": "Hi! Can I change my delivery address?"}},
            "Ana Souza",
        )
        await d.customer_says(
            BRUNO,
            {
                "type": "text",
                "text": {"body": "Where is my refund? https://shop.example/orders/77"},
            },
            "Bruno Lima",
        )
        await entry(page, "Ana Souza").click()
        composer = page.get_by_role("textbox", name="Message")
        await composer.fill("Sure, what's the new address?")
        await composer.press("Enter")
        await d.say(ANA, "Rua Augusta, 1200 — apt 41")

        # keyboard: from the interaction bar to the composer and its buttons
        await entry(page, "Ana Souza").focus()
        await page.keyboard.press("ArrowDown")
        await expect(entry(page, "Bruno Lima")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(transcript(page).get_by_text("Where is my refund?")).to_be_visible()
        await composer.focus()
        await composer.press("Shift+Enter")
        await expect(composer).to_have_value("\n")
        await page.keyboard.press("Tab")
        await expect(page.get_by_role("button", name="Insert Emoji")).to_be_focused()
        await entry(page, "Ana Souza").click()
        await shot(page, "desktop-1920-light")

        await page.get_by_role("button", name="Switch to dark theme").click()
        await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        # the blink of a new message tints the entry with the dark theme's colour, not the light
        blink_tint = """el => { el.closest('.ibar-entry').classList.add('blink');
            return getComputedStyle(el, '::after').backgroundColor }"""
        tint = await entry(page, "Bruno Lima").evaluate(blink_tint)
        assert tint == "rgb(20, 48, 31)", tint
        await shot(page, "desktop-1920-dark")
        await page.set_viewport_size({"width": 1280, "height": 720})
        await shot(page, "desktop-1280-dark")
        # the theme is applied before the stylesheet paints: no flash of the other theme
        await page.reload()
        assert await page.evaluate("document.documentElement.dataset.theme") == "dark"


async def test_pending_indicator_is_right_after_a_reload(
    settings: Settings, browser: Browser
) -> None:
    """The timer comes from the server's pending_since, not from when the page loaded."""
    async with desk(settings, pending_response_thresholds=(1, 2), auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await expect(card(page, "Ana Souza").locator(".pending-dot")).to_have_attribute(
            "data-level", "red", timeout=5_000
        )
        await page.reload()
        await expect(card(page, "Ana Souza").locator(".pending-dot")).to_have_attribute(
            "data-level", "red"
        )
