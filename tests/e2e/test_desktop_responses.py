"""The Standard Response Library and notifications in the desktop: search and insert a
response, open the payment notification, edit it with the preview live, send it; a closed
window offers the notifications in the composer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from parley.commands import add_user
from parley.db.engine import build_engine, build_sessionmaker
from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction
from parley.realtime.bus import InProcessBus
from parley.responses.seed import seed_library
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, Desk, desk, go_ready, log_in, open_chat, open_view, transcript
from tests.factories import PASSWORD
from tests.media import files


async def until(page: Page, check: Any, what: str) -> Any:
    for _ in range(100):
        found = await check()
        if found:
            return found
        await page.wait_for_timeout(100)
    raise AssertionError(f"never happened: {what}")


async def seed(settings: Settings) -> None:
    """The demo's response library in the test database."""
    engine = build_engine(settings)
    async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
        await seed_library(uow, datetime.now(UTC))
        await uow.commit()
    await engine.dispose()


async def outbound(d: Desk, kind: str) -> list[dict[str, Any]]:
    return [m for m in await d.phone_messages(ANA) if m["direction"] == "out" and m["type"] == kind]


async def test_search_insert_and_send_a_notification(settings: Settings, browser: Browser) -> None:
    await seed(settings)
    async with desk(settings) as d:
        page = await new_page(browser, 1440, 900)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Hi! Did you get my payment?"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")
        responses = page.get_by_role("region", name="Responses")
        await expect(responses.get_by_role("button", name=re.compile("^Greetings"))).to_be_visible()

        # The shortcut opens the search; matches are highlighted; arrows and Enter insert.
        composer = page.get_by_role("textbox", name="Message")
        await composer.click()
        await page.keyboard.press("Control+Shift+R")
        search = responses.get_by_role("combobox", name="Search responses")
        await expect(search).to_be_focused()
        await search.fill("business days")
        results = responses.get_by_role("listbox", name="Standard responses")
        option = results.get_by_role("option", name=re.compile("Delivery times"))
        await expect(option.locator("mark").first).to_have_text(re.compile("business", re.I))
        await expect(results.get_by_role("option")).to_have_count(2)  # delivery and refund
        await search.press("ArrowDown")
        await search.press("ArrowUp")
        await expect(option).to_have_attribute("aria-selected", "true")
        await expect(responses.get_by_text(re.compile(r"today is \w+day, "))).to_be_visible()
        await shot(page, "responses-search-light")
        await search.press("Enter")
        await expect(composer).to_have_value(re.compile(r"^Orders placed before 2 PM .* today is "))
        await expect(composer).to_be_focused()
        await composer.press("End")
        await composer.type(" 🙂")  # the inserted text stays editable
        await composer.press("Enter")
        sent = await until(page, lambda: outbound(d, "text"), "the response reaches the phone")
        assert sent[0]["content"]["body"].endswith(" 🙂")
        assert "today is" in sent[0]["content"]["body"]

        # Browse the tree to the notification; it opens the Notification tab.
        await search.fill("")
        await responses.get_by_role("option", name=re.compile("HSM_payment_confirmation")).click()
        await responses.get_by_role("button", name="Open notification").click()
        tab = page.get_by_role("tabpanel", name="Notification")
        preview = tab.get_by_role("group", name="Preview")
        await expect(preview).to_contain_text("Hello Ana Souza.")
        await expect(preview).to_contain_text("Have you ordered flowers?")
        await expect(preview).to_contain_text("Thanks, Ana Souza.")
        await expect(preview).to_contain_text("Parley Store")  # the footer
        await expect(preview).to_contain_text("Confirm payment")  # a quick reply button
        await shot(page, "notification-light")

        # Edit: the preview follows every key press.
        await tab.get_by_role("button", name="Edit").click()
        product = tab.get_by_label("Product")
        await product.fill("tulips")
        await expect(preview).to_contain_text("Have you ordered tulips?")
        await tab.get_by_label("Bill").fill("")
        await expect(tab.get_by_role("button", name="Send")).to_be_disabled()
        await expect(tab.get_by_text("Fill in: Bill.")).to_be_visible()
        await tab.get_by_label("Bill").fill("$12")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await shot(page, "notification-edit-dark")
        await tab.get_by_role("button", name="Send").click()
        await expect(tab).to_be_hidden()
        await expect(
            transcript(page).get_by_role("listitem").filter(has_text="Have you ordered tulips?")
        ).to_be_visible()
        [template] = await until(page, lambda: outbound(d, "template"), "the template is sent")
        values = [p["text"] for p in template["content"]["components"][0]["parameters"]]
        assert values[:4] == ["Ana Souza", "tulips", "$12", "credit"]
        assert len(values) == 5


async def test_a_closed_window_offers_notifications(settings: Settings, browser: Browser) -> None:
    await seed(settings)
    async with desk(settings) as d:
        page = await new_page(browser, 1440, 900)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        # The customer wrote 25 hours ago.
        engine = build_engine(settings)
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            long_ago = datetime.now(UTC) - timedelta(hours=25)
            await uow.session.execute(update(Interaction).values(last_inbound_at=long_ago))
            await uow.commit()
        await engine.dispose()
        await page.reload()
        await expect(page.get_by_text("Send a notification", exact=True)).to_be_visible()
        await expect(page.get_by_role("textbox", name="Message")).to_be_hidden()
        picks = page.get_by_role("list", name="Send a notification")
        await expect(
            picks.get_by_role("button", name=re.compile("^HSM_payment_confirmation"))
        ).to_be_visible()
        await expect(picks.get_by_role("button", name=re.compile("^spring_sale"))).to_have_count(0)
        await page.get_by_role("button", name="Switch to dark theme").click()
        await shot(page, "window-closed-dark")

        # A template the business account pauses leaves the picker at once.
        d.simulator.set_template_status("order_shipped", "en_US", "PAUSED", "NONE")
        await expect(picks.get_by_role("button", name=re.compile("^order_shipped"))).to_have_count(
            0
        )

        await picks.get_by_role("button", name=re.compile("^HSM_service_followup")).click()
        tab = page.get_by_role("tabpanel", name="Notification")
        await expect(tab).to_contain_text("We have an update about your request.")
        await page.get_by_role("button", name="Switch to light theme").click()
        await shot(page, "window-closed-notification-light")
        await tab.get_by_role("button", name="Send").click()
        [template] = await until(page, lambda: outbound(d, "template"), "the template is sent")
        assert template["content"]["name"] == "service_followup"
        assert template["status"] != "failed"


async def import_file(page: Page, path: Any) -> None:
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Import").click()
    await (await chooser.value).set_files(str(path))


async def test_admins_manage_the_library_import_and_export(
    settings: Settings, browser: Browser, tmp_path: Any
) -> None:
    await seed(settings)
    await add_user(settings, "root", "admin", "Ada Admin", PASSWORD)
    async with desk(settings) as d:
        page = await new_page(browser, 1440, 900)
        await log_in(page, d.url, "root")
        await open_view(page, "Response library")
        tree = page.get_by_role("tree", name="Response library")
        await expect(tree.get_by_role("treeitem", name="Billing")).to_be_visible()

        await page.get_by_role("button", name="New category").click()
        form = page.get_by_role("form", name="Category")
        await form.get_by_label("Name").fill("Returns")
        await form.get_by_role("button", name="Save").click()
        await expect(tree.get_by_role("treeitem", name="Returns")).to_be_visible()

        await page.get_by_role("button", name="New response").click()
        form = page.get_by_role("form", name="Response")
        await form.get_by_label("Name").fill("Return label")
        await form.get_by_label("Category").select_option(label="Returns")
        await form.get_by_label("Text").fill(
            "Hi {{contact.first_name}}, your return label is attached."
        )
        label = tmp_path / "return-label.pdf"
        label.write_bytes(files.pdf())
        async with page.expect_file_chooser() as chooser:
            await form.get_by_role("button", name="Attach file").click()
        await (await chooser.value).set_files(str(label))
        await expect(form.get_by_role("button", name="Remove return-label.pdf")).to_be_visible()
        await form.get_by_label("WhatsApp template").select_option(label="order_shipped · en_US")
        await form.get_by_label("Label of first_name").fill("First name")
        await form.get_by_label("Default of first_name").fill("{{contact.first_name}}")
        await shot(page, "library-admin-light")
        await form.get_by_role("button", name="Save").click()
        await expect(
            page.get_by_role("status").filter(has_text="Saved Return label.")
        ).to_be_visible()

        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Export YAML").click()
        exported = (await (await download_info.value).path()).read_text()
        categories = yaml.safe_load(exported)["categories"]
        [saved] = [r for c in categories for r in c["responses"] if r["name"] == "Return label"]
        assert len(saved["attachment_ids"]) == 1
        # Opened again, the response shows its file by name, and it can be removed.
        await tree.get_by_role("treeitem", name="Return label").click()
        await expect(form.get_by_role("button", name="Remove return-label.pdf")).to_be_visible()
        assert "label: First name" in exported

        library = tmp_path / "team.yaml"
        library.write_text(
            "version: 1\ncategories:\n  - name: Returns\n    responses:\n"
            "      - name: Return window\n        text: You can return items within 30 days.\n"
        )
        await import_file(page, library)
        await expect(page.get_by_role("status")).to_contain_text(
            "Imported team.yaml: 0 categories and 1 responses added, 0 updated."
        )
        await expect(tree.get_by_role("treeitem", name="Return window")).to_be_visible()
        bad = tmp_path / "bad.yaml"
        bad.write_text("categories: [unclosed")
        await import_file(page, bad)
        await expect(page.get_by_role("status")).to_contain_text(
            "bad.yaml: The file is not valid YAML."
        )
        await page.get_by_role("button", name="Switch to dark theme").click()
        await tree.get_by_role("treeitem", name="HSM_payment_confirmation Notification").click()
        await shot(page, "library-admin-dark")
