"""A reply written while the browser is offline: sent again by itself when the connection is
back, once, and kept where it was written, before what the customer wrote meanwhile."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, go_ready, open_chat, transcript

ROWS = ["Hello?", "Your parcel leaves today", "Are you there?"]


async def expect_rows(page: Page) -> None:
    """The transcript's messages, in this order, once it has settled (a row is drawn again as
    the server's copy of the reply replaces the one written offline)."""
    await expect(transcript(page).locator("li.msg:not(.msg-event) .body")).to_have_text(ROWS)


async def test_a_reply_sent_offline_goes_out_once_and_keeps_its_place(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_text("Hello?")).to_be_visible()

        await page.context.set_offline(True)
        box = page.get_by_role("textbox", name="Message")
        await box.fill("Your parcel leaves today")
        await page.get_by_role("button", name="Send").click()
        await expect(chat.get_by_text("Not sent: Parley can’t be reached")).to_be_visible()
        retry = chat.get_by_role("button", name="Retry")
        await expect(retry).to_be_visible()
        await d.say(ANA, "Are you there?")  # reaches Parley; the desktop cannot hear it yet
        await shot(page, "offline-send-failed")

        await page.context.set_offline(False)
        late = chat.locator("li.msg-out").filter(has_text="Your parcel leaves today")
        await expect(late.get_by_text("Sent late")).to_be_visible(timeout=15_000)
        await expect(chat.get_by_text("Are you there?")).to_be_visible()
        await expect_rows(page)
        await expect(retry).to_have_count(0)
        await expect(late.get_by_role("img", name="Delivered")).to_be_visible(timeout=10_000)
        await shot(page, "offline-send-late-light")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await shot(page, "offline-send-late-dark")
        await page.get_by_role("button", name="Switch to light theme").click()

        phone = [m for m in await d.phone_messages(ANA) if m["direction"] == "out"]
        assert [m["content"]["body"] for m in phone] == ["Your parcel leaves today"]

        # the server keeps when it was written: a reload shows it in the same place
        await page.reload()
        await expect(chat.get_by_text("Are you there?")).to_be_visible()
        await expect_rows(page)
        await expect(chat.locator("li.msg-out").get_by_text("Sent late")).to_be_visible()
