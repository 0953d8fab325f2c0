"""Offers on the agent desktop: the time left counts down on the entry and in the header, and a
withdrawn offer leaves a short notice saying why."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, card, desk, entry, go_ready

LEFT = re.compile(r"^Offer · 0:(\d\d) left$")


async def seconds_left(tag) -> int:  # type: ignore[no-untyped-def]
    match = LEFT.match((await tag.text_content() or "").strip())
    assert match, await tag.text_content()
    return int(match.group(1))


async def test_an_offer_counts_down_on_its_entry_and_in_the_header(
    settings: Settings, browser: Browser
) -> None:
    # Real time, not page.clock: the countdown follows the server's clock (Date headers), which
    # a faked page clock would pull back and forth.
    async with desk(settings, offer_timeout_seconds=16) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        tag = card(page, "Ana Souza").locator(".tag-offer")
        header = page.locator("parley-control-bar .tag-offer")
        await expect(tag).to_have_text(LEFT)
        await expect(header).to_have_text(LEFT)
        before = await seconds_left(tag)
        assert 11 <= before <= 16, before
        await expect(tag).not_to_have_class(re.compile(r"\btag-urgent\b"))
        await page.wait_for_timeout(2500)
        after = await seconds_left(tag)
        assert 1 <= before - after <= 4, (before, after)
        assert abs(await seconds_left(header) - after) <= 1
        await shot(page, "offer-countdown")
        # under ten seconds left, it turns urgent
        await expect(tag).to_have_class(re.compile(r"\btag-urgent\b"), timeout=10_000)
        await shot(page, "offer-countdown-urgent")


async def test_an_offer_that_times_out_says_so(settings: Settings, browser: Browser) -> None:
    async with desk(settings, offer_timeout_seconds=2) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await expect(entry(page, "Ana Souza")).to_be_visible()
        notice = page.get_by_role("status").filter(has_text="Offer from Ana Souza timed out")
        await expect(notice).to_be_visible(timeout=10_000)
        await expect(entry(page, "Ana Souza")).to_be_hidden()
        await shot(page, "offer-timed-out-notice")
