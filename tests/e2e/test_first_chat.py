"""A customer writes on the phone, the agent sees it live, replies, and the ticks come back."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.e2e.conftest import Stack, new_page, shot
from tests.e2e.desk import log_in


async def test_customer_and_agent_chat_with_live_ticks(stack: Stack, browser: Browser) -> None:
    desktop = await new_page(browser)
    await log_in(desktop, stack.desktop)
    await desktop.get_by_role("button", name="Ready", exact=True).click()
    await shot(desktop, "desktop-ready-empty")

    phone = await new_page(browser, 1100, 800)
    await phone.goto(stack.phone)
    await phone.get_by_label("Customer").select_option("5511987654321")
    await phone.get_by_role("textbox", name="Message").fill("Hi, my order #2291 is late")
    await phone.get_by_role("button", name="Send").click()

    await expect(desktop.get_by_text("Hi, my order #2291 is late").first).to_be_visible()
    await desktop.get_by_text("Ana Souza").first.click()
    # offered: auto-accept is off by default
    await desktop.get_by_role("button", name="Accept").click()
    composer = desktop.get_by_role("textbox", name="Message")
    await composer.fill("Hello Ana, I'm checking order 2291 now.")
    await composer.press("Enter")
    transcript = desktop.get_by_role("region", name="Transcript")
    await expect(transcript.get_by_text("Hello Ana, I'm checking order 2291 now.")).to_be_visible()
    await shot(desktop, "desktop-conversation")

    # the customer sees the reply; the phone has the chat open, so it is read
    await expect(phone.get_by_text("Hello Ana, I'm checking order 2291 now.")).to_be_visible()
    await shot(phone, "phone-conversation")
    read_tick = transcript.get_by_label(re.compile("^read$", re.I))
    await expect(read_tick.first).to_be_visible(timeout=10_000)
