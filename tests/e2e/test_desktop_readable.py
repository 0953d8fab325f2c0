"""Controls that stay readable: every button state in both themes has a readable label (contrast
measured in the page), toasts keep off the composer, and an offer that is gone loses its chip."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, card, desk, go_ready, open_chat
from tests.e2e.readability import control_contrasts, too_faint

THEMES = ("light", "dark")


async def set_theme(page: Page, theme: str) -> None:
    await page.evaluate("t => { document.documentElement.dataset.theme = t }", theme)
    await page.wait_for_timeout(300)  # colours ease over 0.12 s


async def test_every_button_state_has_a_readable_label_in_both_themes(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        for theme in THEMES:  # the log in form first
            await page.goto(d.url)
            await set_theme(page, theme)
            await expect(page.get_by_role("button", name="Log in")).to_be_visible()
            assert too_faint(await control_contrasts(page)) == [], f"log in, {theme}"
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hi there"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        # the reported case: Send pressed with the mouse, then disabled under it
        await page.get_by_role("textbox", name="Message").fill("On it")
        send = page.get_by_role("button", name="Send")
        await send.click()
        await expect(send).to_be_disabled()
        for theme in THEMES:
            await set_theme(page, theme)
            await send.hover()
            await shot(page, f"readable-send-disabled-hover-{theme}")
            results = await control_contrasts(page)
            assert {"Send", "Mark Done", "Ready", "Log out"} <= {r["name"] for r in results}
            assert too_faint(results) == [], f"desk, {theme}"
            [disabled_send] = [
                r for r in results if r["name"] == "Send" and r["state"] == "disabled+hover"
            ]
            assert disabled_send["ratio"] >= 4.5


async def test_toasts_keep_off_the_composer_and_its_hints(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser, height=600)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Ana here"}}, "Ana Souza")
        await d.customer_says(BRUNO, {"type": "text", "text": {"body": "Bruno here"}}, "Bruno Lima")
        await open_chat(page, "Ana Souza")
        await page.get_by_role("button", name="Move to Workbin").click()
        await page.get_by_role("dialog").get_by_role("button", name="Move").click()
        toast = page.get_by_role("status").filter(has_text="moved to")
        await expect(toast).to_be_visible()
        await expect(page.get_by_role("textbox", name="Message")).to_be_enabled()
        composer = page.locator("parley-composer")
        bar = page.get_by_role("group", name="Interaction control bar")
        toast_box, composer_box = await toast.bounding_box(), await composer.bounding_box()
        bar_box = await bar.bounding_box()
        assert toast_box and composer_box and bar_box
        assert toast_box["y"] >= bar_box["y"] + bar_box["height"], "it covers Mark Done"
        apart = (
            toast_box["y"] + toast_box["height"] <= composer_box["y"]
            or toast_box["y"] >= composer_box["y"] + composer_box["height"]
            or toast_box["x"] + toast_box["width"] <= composer_box["x"]
            or toast_box["x"] >= composer_box["x"] + composer_box["width"]
        )
        assert apart, (toast_box, composer_box)
        await shot(page, "readable-toast-light")
        await set_theme(page, "dark")
        await shot(page, "readable-toast-dark")


async def test_an_offer_that_expired_while_parley_was_down_loses_its_chip(
    settings: Settings, browser: Browser
) -> None:
    # One missed offer sets the agent Not Ready, so the expired offer is not offered again to her
    # (a Ready agent alone would get it back at once, with a new chip).
    async with desk(settings, offer_timeout_seconds=3, missed_offers_limit=1) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.say(ANA, "Anyone?")
        ana = card(page, "Ana Souza")
        await expect(ana.get_by_text("Offer ·")).to_be_visible()
        await d.stop_server()
        await page.wait_for_timeout(4_000)
        await d.start_server()
        nav = page.get_by_role("navigation", name="Interactions")
        await expect(nav.get_by_text("Offer ·")).to_have_count(0, timeout=15_000)
        await shot(page, "readable-offer-gone-after-restart")


async def test_the_reconnecting_pill_covers_no_view_tab(
    settings: Settings, browser: Browser
) -> None:
    """At 1400 and 1920 px the pill gives way to the view tabs: each tab shows whole, none under
    the pill, and the pill still says "Reconnecting…"."""
    async with desk(settings) as d:
        page = await new_page(browser, 1400, 800)
        await go_ready(page, d.url)
        await d.stop_server()
        pill = page.get_by_role("status").filter(has_text="Reconnecting")
        await expect(pill).to_be_visible(timeout=10_000)
        tablist = page.get_by_role("tablist", name="Views")
        for width in (1400, 1920):
            await page.set_viewport_size({"width": width, "height": 800})
            await page.wait_for_timeout(200)
            assert await tablist.evaluate("e => e.scrollWidth <= e.clientWidth"), width
            box = await pill.bounding_box()
            assert box is not None and box["width"] > 100
            for tab in await tablist.get_by_role("tab").all():
                tab_box = await tab.bounding_box()
                assert tab_box is not None
                assert tab_box["x"] + tab_box["width"] <= box["x"] or tab_box["x"] >= (
                    box["x"] + box["width"]
                ), (width, await tab.inner_text())
            await expect(pill).to_contain_text("Reconnecting…")
            await shot(page, f"readable-reconnecting-pill-{width}")
        await d.start_server()
