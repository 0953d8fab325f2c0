"""How text reads on the agent desktop: WhatsApp's formatting in both directions of bubbles, and
what the composer says when a reply is too long to send."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, go_ready, open_chat, transcript

FORMATTED = (
    "*Order 1187* is _on its way_, not ~cancelled~. Code `AB-12`\n"
    "Track: *https://example.com/t_1?x=a_b*\n"
    "```line one\n*not bold* in code```"
)


async def test_whatsapp_formatting_shows_in_both_bubbles(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": FORMATTED}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        inbound = chat.locator(".msg-in .body")
        await expect(inbound.locator("strong").first).to_have_text("Order 1187")
        await expect(inbound.locator("em")).to_have_text("on its way")
        await expect(inbound.locator("s")).to_have_text("cancelled")
        await expect(inbound.locator("code.wa-code")).to_have_text("AB-12")
        link = inbound.locator("strong").get_by_role("link")
        await expect(link).to_have_attribute("href", "https://example.com/t_1?x=a_b")
        await expect(inbound.locator("code.wa-pre")).to_have_text("line one\n*not bold* in code")
        await expect(inbound.locator("code.wa-pre strong")).to_have_count(0)
        assert "*" not in (await inbound.locator("strong").first.inner_text())

        box = page.get_by_role("textbox", name="Message")
        await box.fill("*Thanks*, the snake_case_name is fine and 2*3*4 = 24")
        await box.press("Enter")
        outbound = chat.locator(".msg-out .body")
        await expect(outbound.locator("strong")).to_have_text("Thanks")
        await expect(outbound).to_contain_text("the snake_case_name is fine and 2*3*4 = 24")
        await expect(outbound.locator("em")).to_have_count(0)
        await shot(page, "text-whatsapp-formatting")


async def test_an_over_long_reply_says_why_send_is_disabled(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Tell me everything"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        composer = page.get_by_role("textbox", name="Message")
        send = page.get_by_role("button", name="Send")
        await composer.fill("x" * 4100)
        await expect(send).to_be_disabled()
        why = "4,100 / 4,096 — shorten the reply to send it"
        await expect(send).to_have_accessible_description(why)
        await expect(composer).to_have_accessible_description(re.compile("^" + re.escape(why)))
        await expect(page.get_by_text(why)).to_be_visible()
        await shot(page, "text-over-the-limit")
        await composer.press("Backspace")
        await composer.fill("x" * 4096)
        await expect(send).to_be_enabled()
        await expect(page.get_by_text(why)).to_be_hidden()
        await expect(send).not_to_have_attribute("aria-describedby", why)


BLOCKABLE = """(() => {
  let permission = "default"
  Object.defineProperty(Notification, "permission", { get: () => permission })
  Notification.requestPermission = async () => (permission = "denied")
})()"""


async def test_blocked_notifications_show_on_the_bell(settings: Settings, browser: Browser) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await page.add_init_script(BLOCKABLE)
        await go_ready(page, d.url)
        await page.get_by_role("button", name="Turn on desktop notifications").click()
        blocked = page.get_by_role("button", name="Notifications blocked in the browser")
        await expect(blocked).to_be_visible()
        await blocked.click()
        await expect(
            page.get_by_role("status").filter(has_text="notifications are blocked")
        ).to_be_visible()
        await shot(page, "text-notifications-blocked")
