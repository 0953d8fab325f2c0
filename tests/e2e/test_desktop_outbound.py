"""Outbound from the desktop: Create new chat from My History and from the Contact Directory
(window open: free text goes out; closed: only a template), Create new session, and merging."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import orjson
from playwright.async_api import Browser, Page, expect
from sqlalchemy import insert

from parley.commands import add_user
from parley.contacts.models import Contact
from parley.db.engine import build_engine
from parley.settings import Settings
from parley.whatsapp.signature import sign
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, Desk, desk, entry, go_ready, log_in, open_view, transcript
from tests.factories import PASSWORD, text_webhook


async def mark_done(page: Page, name: str) -> None:
    await page.get_by_role("button", name="Mark Done").click()
    dialog = page.get_by_role("dialog", name="Mark Done")
    await dialog.get_by_label("Disposition").select_option("Resolved")
    await dialog.get_by_role("button", name="Mark Done").click()
    await expect(entry(page, name)).to_have_count(0)


async def handled(page: Page, d: Desk, wa_id: str, name: str, text: str) -> None:
    """The customer writes, the agent (auto-accept) opens it and marks it done."""
    await d.customer_says(wa_id, {"type": "text", "text": {"body": text}}, name)
    await entry(page, name).click()
    await expect(transcript(page).get_by_text(text)).to_be_visible()
    await mark_done(page, name)


async def old_message(d: Desk, wa_id: str, name: str, text: str, hours_ago: int) -> None:
    """A message the contact sent long ago, delivered now (Meta's shape, signed)."""
    stamp = int(time.time()) - hours_ago * 3600
    body = orjson.dumps(text_webhook(wa_id, text, f"wamid.OLD{stamp}", name=name, timestamp=stamp))
    signature = sign(body, d.settings.whatsapp_app_secret)
    async with httpx.AsyncClient(base_url=d.url) as client:
        answer = await client.post(
            "/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": signature}
        )
        answer.raise_for_status()


async def add_pereiras(settings: Settings, n: int) -> None:
    """`n` contacts who share a surname, stored as an import would (no conversation)."""
    engine = build_engine(settings)
    now = datetime.now(UTC)
    rows = [
        {"wa_id": f"55219{i:08d}", "profile_name": f"João {i} Pereira", "created_at": now}
        for i in range(n)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(Contact), [{**r, "updated_at": now} for r in rows])
    await engine.dispose()


async def test_create_new_chat_from_my_history_then_a_new_session(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser, 1440, 860)
        await go_ready(page, d.url)
        await handled(page, d, ANA, "Ana Souza", "Where is my order?")

        await open_view(page, "My History")
        history = page.get_by_role("region", name="My History")
        row = history.get_by_role("button", name="Ana Souza")
        await row.click()
        await expect(history.get_by_text("Where is my order?")).to_be_visible()
        await expect(
            history.get_by_text("Marked done by Alice Martins · Resolved").first
        ).to_be_visible()
        await shot(page, "history-light")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await page.wait_for_timeout(300)  # the buttons' colour transition
        await shot(page, "history-dark")
        await page.get_by_role("button", name="Switch to light theme").click()
        # filters: a disposition matches, a state that does not leaves the list empty
        await history.get_by_label("State").select_option("active")
        await expect(history.get_by_text("No interactions match.")).to_be_visible()
        await history.get_by_label("State").select_option("")
        await history.get_by_role("button", name="Ana Souza").click()

        await history.get_by_role("button", name="Create new chat").click()
        await expect(
            page.get_by_role("status").filter(has_text="Chat with Ana Souza started")
        ).to_be_visible()
        composer = page.get_by_role("textbox", name="Message")
        await expect(composer).to_be_enabled()
        info = page.get_by_role("complementary", name="Case information")
        await expect(info.get_by_text("Outbound WhatsApp")).to_be_visible()
        await expect(
            info.get_by_text("Alice Martins started a chat with Ana Souza")
        ).to_be_visible()
        await composer.fill("Following up: your order ships today.")
        await composer.press("Enter")

        async def phone_has(text: str) -> bool:
            return any(text in orjson.dumps(m).decode() for m in await d.phone_messages(ANA))

        await expect(
            transcript(page).get_by_text("Following up: your order ships today.")
        ).to_be_visible()
        for _ in range(100):
            if await phone_has("Following up: your order ships today."):
                break
            await page.wait_for_timeout(100)
        else:
            raise AssertionError("the phone never got the outbound message")
        await shot(page, "outbound-chat")

        # Create new session from the control bar: the next message is in a new session.
        await page.get_by_role("button", name="Create new session").click()
        await expect(
            page.get_by_role("status").filter(has_text="New session started")
        ).to_be_visible()
        await composer.fill("One more thing about your invoice.")
        await composer.press("Enter")
        chat = transcript(page)
        await expect(chat.get_by_text("One more thing about your invoice.")).to_be_visible()
        # at least the two session changes (an event row of the interaction may add one more)
        separators = chat.get_by_role("separator", name="New session")
        await expect(separators.nth(1)).to_be_visible()
        await expect(info.get_by_text("Alice Martins started a new session")).to_be_visible()


async def test_directory_finds_national_formats_and_a_closed_window_asks_for_a_template(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True, default_country="BR") as d:
        page = await new_page(browser, 1440, 860)
        await go_ready(page, d.url)
        await old_message(d, BRUNO, "Bruno Lima", "Can you call me back?", hours_ago=30)
        await entry(page, "Bruno Lima").click()
        await mark_done(page, "Bruno Lima")
        await handled(page, d, ANA, "Ana Souza", "Hi")

        await open_view(page, "Contact Directory")
        directory = page.get_by_role("region", name="Contact Directory")
        search = directory.get_by_role("searchbox", name="Search contacts")
        contacts = directory.get_by_role("list", name="Contacts")
        for typed in ["(11) 91234-5678", "011 91234 5678", "+55 11 1234-5678", "bruno"]:
            await search.fill(typed)
            await expect(contacts.get_by_role("button")).to_have_count(1)
            await expect(contacts.get_by_role("button", name="Bruno Lima")).to_be_visible()
        await contacts.get_by_role("button", name="Bruno Lima").click()
        details = directory.get_by_role("form", name="Contact details")
        await details.get_by_label("Email").fill("bruno@example.com")
        await details.get_by_label("Company").fill("Lima Transportes")
        await details.get_by_role("button", name="Save").click()
        await expect(details.get_by_text("Saved.")).to_be_visible()
        await search.fill("transportes")
        await expect(contacts.get_by_role("button", name="Bruno Lima")).to_be_visible()
        await (
            directory.get_by_role("list", name="Interaction history").get_by_role("button").click()
        )
        await expect(directory.get_by_text("Can you call me back?")).to_be_visible()
        await shot(page, "directory-light")
        # A name thousands share is not counted: one page, and a word that more follow.
        await add_pereiras(d.settings, 51)
        await search.fill("pereira")
        await expect(contacts.get_by_role("button")).to_have_count(50)
        more = directory.get_by_role("status").filter(has_text="contacts match")
        await expect(more).to_have_text(
            "More than 50 contacts match; type more of the name or number to narrow them."
        )
        await shot(page, "directory-more-light")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await page.wait_for_timeout(300)
        await shot(page, "directory-more-dark")
        await page.get_by_role("button", name="Switch to light theme").click()
        await search.fill("joao 7 pereira")  # accents left out
        await expect(contacts.get_by_role("button", name="João 7 Pereira")).to_be_visible()
        await expect(more).to_have_count(0)
        await search.fill("transportes")
        await contacts.get_by_role("button", name="Bruno Lima").click()
        await page.get_by_role("button", name="Switch to dark theme").click()
        await page.wait_for_timeout(300)  # the buttons' colour transition
        await shot(page, "directory-dark")
        await page.get_by_role("button", name="Switch to light theme").click()

        await directory.get_by_role("button", name="Create new chat").first.click()
        notice = page.get_by_role("status").filter(has_text="window is closed")
        await expect(notice).to_contain_text("choose a template to start the conversation")
        await expect(page.get_by_text("Send a notification", exact=True)).to_be_visible()
        await shot(page, "outbound-window-closed")

        # the contact is now busy on Alice's desktop: a second chat is refused and says where
        await open_view(page, "Contact Directory")
        await directory.get_by_role("button", name="Create new chat").first.click()
        await expect(
            page.get_by_role("alert").filter(has_text="already on your desktop")
        ).to_be_visible()


async def test_merging_a_duplicate_in_the_directory(settings: Settings, browser: Browser) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser, 1440, 860)
        await go_ready(page, d.url)
        await handled(page, d, ANA, "Ana Souza", "First chat")
        await old_message(d, "551187654321", "Ana S.", "From the old number", hours_ago=1)
        await entry(page, "Ana S.").click()
        await mark_done(page, "Ana S.")
        await open_view(page, "Contact Directory")
        directory = page.get_by_role("region", name="Contact Directory")
        await directory.get_by_role("searchbox", name="Search contacts").fill("+55 11 98765-4321")
        contacts = directory.get_by_role("list", name="Contacts")
        await expect(contacts.get_by_role("button")).to_have_count(2)  # both forms of one number
        # A supervisor has the duplicate open elsewhere while Alice merges it away.
        await add_user(d.settings, "sara", "supervisor", "Sara Lopes", PASSWORD)
        sara = await new_page(browser, 1440, 860)
        await log_in(sara, d.url, "sara")
        await open_view(sara, "Contact Directory")
        elsewhere = sara.get_by_role("region", name="Contact Directory")
        await elsewhere.get_by_role("searchbox", name="Search contacts").fill("Ana S.")
        await (
            elsewhere.get_by_role("list", name="Contacts")
            .get_by_role("button", name="Ana S.")
            .click()
        )
        await expect(elsewhere.get_by_role("heading", name="Ana S.")).to_be_visible()
        await contacts.get_by_role("button", name="Ana Souza").click()
        await directory.get_by_role("button", name="Merge contacts").click()
        dialog = page.get_by_role("dialog", name="Merge into Ana Souza")
        await dialog.get_by_role("searchbox", name="Find the duplicate contact").fill("Ana S.")
        await dialog.get_by_role("button", name="Merge Ana S.").click()
        confirm = page.get_by_role("dialog", name="Merge contacts?")
        await confirm.get_by_role("button", name="Merge").click()
        await expect(
            page.get_by_role("status").filter(has_text="Merged Ana S. into Ana Souza")
        ).to_be_visible()
        await expect(contacts.get_by_role("button")).to_have_count(1)
        history = directory.get_by_role("list", name="Interaction history")
        await expect(history.get_by_role("button")).to_have_count(2)
        # Sara saves her edit of the contact that is gone: she is told, and shown the kept one.
        await elsewhere.get_by_label("Notes").fill("Prefers mornings")
        await elsewhere.get_by_role("button", name="Save").click()
        await expect(
            sara.get_by_role("status").filter(has_text="This contact was merged into Ana Souza")
        ).to_be_visible()
        await expect(elsewhere.get_by_role("heading", name="Ana Souza")).to_be_visible()
        await shot(sara, "directory-merged-elsewhere")
        # The merged number writes again: it reaches Ana Souza, no duplicate comes back.
        await old_message(d, "551187654321", "Ana S.", "Me again", hours_ago=0)
        await directory.get_by_role("searchbox", name="Search contacts").fill("")
        await directory.get_by_role("searchbox", name="Search contacts").fill("+55 11 98765-4321")
        await expect(contacts.get_by_role("button")).to_have_count(1)
