"""Long content tamed: a message of 10,000 or 65,000 characters shows its first lines with "Show
more"; repeated offers fold in the session timeline; the list keeps the preview readable beside
an offer and has a compact density, remembered."""

from __future__ import annotations

import asyncio

import httpx
from playwright.async_api import Browser, expect

from parley.commands import add_user
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, card, desk, entry, go_ready, open_chat, transcript
from tests.factories import PASSWORD

THEMES = ("light", "dark")


async def test_a_very_long_message_shows_its_first_lines_with_show_more(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        ten = "Dear team, " + "my order arrived damaged and I need a refund. " * 222  # 10,000+
        sixty_five = "\n".join(f"Line {n}: " + "x" * 50 for n in range(1_100))  # 65,000+
        assert len(ten) >= 10_000 and len(sixty_five) >= 65_000
        await d.customer_says(ANA, {"type": "text", "text": {"body": ten}}, "Ana Souza")
        await d.say(ANA, sixty_five)
        await d.say(ANA, "Short one")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_text("Short one")).to_be_visible()
        more = chat.get_by_role("button", name="Show more")
        await expect(more).to_have_count(2)
        first, second = (
            chat.locator("li.msg-in .body").nth(0),
            chat.locator("li.msg-in .body").nth(1),
        )
        assert len(await first.inner_text()) < 1_000
        assert (await second.inner_text()).count("\n") < 15
        height = (await second.bounding_box() or {"height": 0})["height"]
        assert height < 400, height
        for theme in THEMES:
            await page.evaluate("t => { document.documentElement.dataset.theme = t }", theme)
            await page.wait_for_timeout(250)
            await shot(page, f"long-message-folded-{theme}")

        await more.nth(1).click()
        less = chat.get_by_role("button", name="Show less")
        await expect(less).to_have_attribute("aria-expanded", "true")
        await expect(second).to_contain_text("Line 1099: ")
        assert len(await second.inner_text()) >= 65_000
        # a re-render (a new message) keeps it open
        await d.say(ANA, "And another")
        await expect(chat.get_by_text("And another")).to_be_visible()
        await expect(chat.locator("li.msg-in .body").nth(1)).to_contain_text("Line 1099: ")
        await less.click()
        await expect(chat.get_by_role("button", name="Show more")).to_have_count(2)
        await expect(chat.locator("li.msg-in .body").nth(1)).not_to_contain_text("Line 1099")


async def ready_by_api(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    login = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    (
        await client.put("/api/v1/me/status", json={"status": "ready"}, headers=headers)
    ).raise_for_status()
    return headers


async def reject_each_offer(client: httpx.AsyncClient, agents: list[dict[str, str]]) -> None:
    """Each agent rejects the offer when it reaches them, until all of them have."""
    waiting = list(agents)
    for _ in range(300):
        for headers in list(waiting):
            items = (await client.get("/api/v1/interactions", headers=headers)).json()["items"]
            for offer in (i for i in items if i["state"] == "offered"):
                rejected = await client.post(
                    f"/api/v1/interactions/{offer['id']}/reject", headers=headers
                )
                rejected.raise_for_status()
                waiting.remove(headers)
        if not waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the offer never reached every agent")


async def test_repeated_offers_fold_and_the_list_stays_readable_and_compact(
    settings: Settings, browser: Browser
) -> None:
    others = ["bob", "carol", "dave", "erin"]
    for name in others:
        await add_user(settings, name, "agent", name.title(), PASSWORD)
    async with desk(settings) as d, httpx.AsyncClient(base_url=d.url) as client:
        agents = [await ready_by_api(client, name) for name in others]
        await d.say(ANA, "Is anyone there? I have been waiting for a while about my order")
        await reject_each_offer(client, agents)  # each of the four says no; then it comes to Alice
        page = await new_page(browser)
        await go_ready(page, d.url)
        ana = card(page, "Ana Souza")
        await expect(ana.locator(".tag-offer")).to_be_visible(timeout=10_000)
        # the preview keeps the width of the entry beside the offer
        preview, name = ana.locator(".ibar-preview"), entry(page, "Ana Souza")
        preview_box, name_box = await preview.bounding_box(), await name.bounding_box()
        assert preview_box and name_box and preview_box["width"] >= name_box["width"] * 0.9
        await shot(page, "long-offer-preview-light")

        await entry(page, "Ana Souza").click()
        await page.get_by_role("button", name="Accept").click()
        events = page.get_by_role("region", name="Session events").get_by_role("listitem")
        await expect(events.filter(has_text="Offered 5 times")).to_have_count(1)
        await expect(events.filter(has_text="4 rejected")).to_have_count(1)
        await expect(events.filter(has_text="Offered to")).to_have_count(0)
        await shot(page, "long-offers-folded-light")

        compact = page.get_by_role("button", name="Compact list")
        roomy = (await ana.bounding_box() or {"height": 0})["height"]
        await compact.click()
        await expect(compact).to_have_attribute("aria-pressed", "true")
        tight = (await ana.bounding_box() or {"height": 0})["height"]
        assert tight < roomy * 0.75, (tight, roomy)
        for theme in THEMES:
            await page.evaluate("t => { document.documentElement.dataset.theme = t }", theme)
            await page.wait_for_timeout(250)
            await shot(page, f"long-list-compact-{theme}")
        await page.reload()
        await expect(page.get_by_role("button", name="Compact list")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert (await ana.bounding_box() or {"height": 99})["height"] == tight
