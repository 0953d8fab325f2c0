"""The interaction window's history and facts: "See older messages" reaches back past the current
session, and Case information shows the origin, the contact, a live duration, the session events
and WhatsApp's 24-hour window, which closes the composer once it has passed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, entry, go_ready, open_chat, transcript

EARLIER = 110  # more than two pages (desktop.js's PAGE_SIZE is 50)
NOTE = "Refund of R$ 89,90 approved.\n<b>Call back</b> if the parcel shows up."

ROWS = """el => [...el.querySelectorAll('.rows > li')].map(li =>
    li.classList.contains('session-end')
      ? '--' + li.querySelector('[role=separator]').getAttribute('aria-label') + '--'
    : li.classList.contains('day') ? '--day--'
    : li.querySelector('.body, .system-line')?.textContent ?? '')"""


async def rows(page: Page) -> list[str]:
    found: list[str] = await transcript(page).evaluate(ROWS)
    return found


async def test_see_older_messages_pages_back_into_the_earlier_session(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Earlier 001"}}, "Ana Souza")
        for n in range(2, EARLIER + 1):
            await d.say(ANA, f"Earlier {n:03}")
        await entry(page, "Ana Souza").click()
        chat = transcript(page)
        # 110 webhooks from the simulator, one by one: give a busy machine time
        await expect(chat.get_by_text(f"Earlier {EARLIER:03}")).to_be_visible(timeout=30_000)
        await page.get_by_role("button", name="Mark Done").click()
        dialog = page.get_by_role("dialog", name="Mark Done")
        await dialog.get_by_label("Disposition").select_option("Resolved")
        await dialog.get_by_label("Note (optional)").fill(NOTE)
        await dialog.get_by_role("button", name="Mark Done").click()
        await expect(entry(page, "Ana Souza")).to_have_count(0)

        # the contact writes again: a new interaction in a new session
        await d.say(ANA, "Back again: the parcel never came")
        await entry(page, "Ana Souza").click()
        back = chat.get_by_text("Back again: the parcel never came")
        await expect(back).to_be_in_viewport()
        older = page.get_by_role("button", name="See older messages")
        await expect(older).to_be_visible()
        boundary = chat.get_by_role("separator", name="New session")
        await expect(boundary).to_have_count(1)
        # how the earlier session ended, for the next agent: who, the disposition, the note
        outcome = chat.locator(".session-outcome")
        await expect(outcome).to_have_count(1)
        await expect(outcome.locator(".session-outcome-text")).to_have_text(
            "Marked done by Alice Martins · Resolved"
        )
        await expect(outcome.locator(".session-outcome-note")).to_have_text(NOTE)
        first = await rows(page)
        # the newest page: the end of the earlier session, the boundary, then the new session
        assert first.index("--New session--") < first.index("Back again: the parcel never came")
        assert first.index(f"Earlier {EARLIER:03}") < first.index("--New session--")
        assert "Earlier 001" not in first

        await older.click()
        await expect(chat.get_by_text("Earlier 012", exact=True)).to_have_count(1)
        # the rows come in above: what the agent was reading stays in view
        await expect(chat.get_by_text("Earlier 062", exact=True)).to_be_in_viewport()
        await shot(page, "desktop-older-messages-page")
        await expect(older).to_be_enabled()
        await older.click()
        await expect(chat.get_by_text("Earlier 001", exact=True)).to_have_count(1)
        await expect(older).to_be_hidden()  # nothing older is left
        await chat.evaluate("el => { el.scrollTop = 0 }")
        await shot(page, "desktop-older-messages")

        texts = [r for r in await rows(page) if r.startswith("Earlier ")]
        assert texts == [f"Earlier {n:03}" for n in range(1, EARLIER + 1)]  # in order, none twice
        everything = await rows(page)
        assert everything.count("--New session--") == 1
        assert everything.index("--New session--") == everything.index(f"Earlier {EARLIER:03}") + 1
        assert everything[-1] != "--New session--"
        await expect(outcome).to_have_count(1)  # older pages keep the outcome
        await boundary.scroll_into_view_if_needed()
        await expect(chat.get_by_text("Ana Souza joined the session")).to_be_in_viewport()
        await page.wait_for_timeout(100)  # rows off screen paint on the next frame
        await shot(page, "desktop-older-messages-boundary")


async def test_case_information_shows_a_live_duration_and_the_24_hour_window(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await page.clock.install(time=datetime.now(UTC))
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Is my order on its way?"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        info = page.get_by_role("complementary", name="Case information")
        facts = info.locator("dl.facts")

        async def fact(term: str) -> str:
            return await facts.locator(f"dt:text-is('{term}') + dd").inner_text()

        await expect(facts).to_contain_text("Inbound WhatsApp")
        assert await fact("Origin") == "Inbound WhatsApp"
        assert await fact("Contact") == "Ana Souza"
        assert await fact("WhatsApp number") == f"+{ANA}"
        duration = info.get_by_role("timer")
        await expect(duration).to_have_text(re.compile(r"^0:0\d$"))
        events = info.get_by_role("region", name="Session events").get_by_role("listitem")
        await expect(events).to_contain_text(
            ["Ana Souza joined the session", "Offered to Alice Martins", "Alice Martins connected"]
        )
        window = facts.locator("dt:text-is('Customer service window') + dd")
        await expect(window).to_contain_text(re.compile(r"^Open\s*23 h 5\d min left"))
        await shot(page, "desktop-case-information")

        # the duration runs on its own
        await page.clock.run_for(65_000)
        await expect(duration).to_have_text(re.compile(r"^1:0\d$"))

        # 23 h 30 min later: half an hour left, flagged as closing soon
        await page.clock.fast_forward("23:30:00")
        await expect(window).to_contain_text(re.compile(r"^Closing soon\s*2\d min left"))
        await expect(duration).to_have_text(re.compile(r"^23:31:\d\d$"))
        composer = page.get_by_role("textbox", name="Message")
        await expect(composer).to_be_enabled()
        await shot(page, "desktop-case-window-closing")

        # past 24 h: closed; the composer says why and offers the templates WhatsApp still takes
        await page.clock.fast_forward("31:00")
        await expect(window).to_contain_text(re.compile(r"^Closed\s*Only templates can be sent"))
        await expect(composer).to_be_hidden()
        await expect(
            page.get_by_text("The 24-hour customer service window is closed")
        ).to_be_visible()
        await expect(page.get_by_text("Send a notification", exact=True)).to_be_visible()
        await shot(page, "desktop-case-window-closed")
