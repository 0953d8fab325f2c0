"""axe-core (the npm package, from node_modules: no CDN) over every view of the desktop in both
themes: the log in form, the interaction window, the Notification tab, Workbins, My History, the
Contact Directory, the admin's Response library, the supervisors' Floor and the simulator's phone
page. No serious or critical violation. The interaction is scanned while its pending response is
red, on the selected list row and in the header: the colours most likely to fail."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect

from parley.commands import add_user
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, go_ready, log_in, open_chat, open_view
from tests.e2e.test_desktop_responses import seed
from tests.factories import PASSWORD

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ("light", "dark")


async def serious_violations(page: Page, view: str) -> list[str]:
    """axe's serious and critical findings on the page as it is, in both themes."""
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (make installs it)"
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.add_script_tag(path=str(AXE))
    found = []
    for theme in THEMES:
        await page.evaluate("t => { document.documentElement.dataset.theme = t }", theme)
        await page.wait_for_timeout(250)  # colours ease over 0.12 s
        result: dict[str, Any] = await page.evaluate(
            "() => axe.run(document, { resultTypes: ['violations'] })"
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [[n["target"], n["failureSummary"][:160]] for n in violation["nodes"]][:5]
                found.append(f"{view} ({theme}): {violation['id']}: {json.dumps(targets)}")
        await shot(page, f"axe-{view}-{theme}")
    await page.evaluate("() => { document.documentElement.dataset.theme = 'light' }")
    return found


async def test_no_serious_accessibility_violations_on_any_view(
    settings: Settings, browser: Browser
) -> None:
    await seed(settings)
    await add_user(settings, "root", "admin", "Ada Admin", PASSWORD)
    async with desk(settings, pending_response_thresholds=(1, 2)) as d:
        page = await new_page(browser, 1280, 800)
        await page.goto(d.url)
        await expect(page.get_by_role("button", name="Log in")).to_be_visible()
        found = await serious_violations(page, "login")

        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hi, any news?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        await expect(page.get_by_role("region", name="Transcript")).to_contain_text("any news")
        bar = page.get_by_role("navigation", name="Interactions")
        await expect(
            bar.locator('[data-current="true"] .ibar-time[data-level="red"]')
        ).to_be_visible(timeout=10_000)
        await expect(page.locator('.cbar-timer[data-level="red"]')).to_be_visible()
        found += await serious_violations(page, "interaction")

        responses = page.get_by_role("region", name="Responses")
        await responses.get_by_role("option", name=re.compile("HSM_payment_confirmation")).click()
        await responses.get_by_role("button", name="Open notification").click()
        await expect(page.get_by_role("tabpanel", name="Notification")).to_be_visible()
        found += await serious_violations(page, "notification")
        await (
            page.get_by_role("tabpanel", name="Notification")
            .get_by_role("button", name="Cancel")
            .click()
        )

        for tab, ready in (
            ("Workbins", page.get_by_role("navigation", name="Workbins")),
            ("My History", page.get_by_role("button", name="Apply filters")),
            ("Contact Directory", page.get_by_role("searchbox", name="Search contacts")),
        ):
            await open_view(page, tab)
            await expect(ready).to_be_visible()
            found += await serious_violations(page, tab.lower().replace(" ", "-"))

        admin = await new_page(browser, 1280, 800)
        await log_in(admin, d.url, "root")
        await open_view(admin, "Response library")
        await expect(
            admin.get_by_role("tree", name="Response library").get_by_role(
                "treeitem", name="Billing"
            )
        ).to_be_visible()
        found += await serious_violations(admin, "response-library")
        await open_view(admin, "Floor")
        await expect(admin.get_by_role("table", name="Agents")).to_be_visible()
        found += await serious_violations(admin, "floor")

        phone = await new_page(browser, 1280, 800)
        await phone.goto(d.phone)
        await expect(phone.get_by_role("log", name="Chat")).to_contain_text("any news")
        found += await serious_violations(phone, "phone")
    assert found == [], "\n".join(found)
