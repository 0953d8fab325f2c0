"""Workbins on the agent desktop: Move to Workbin, the Workbins view and Open, logging out with a
chat open, and the customer writing again while it waits."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from parley.commands import add_user
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, Desk, card, desk, entry, go_ready, log_in, open_chat
from tests.factories import PASSWORD


async def shared_workbin(d: Desk, name: str, description: str) -> None:
    """An admin makes a shared workbin through the API, as an integrator would."""
    await add_user(d.settings, "ada", "admin", "Ada Admin", PASSWORD)
    async with httpx.AsyncClient(base_url=d.url) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"username": "ada", "password": PASSWORD}
        )
        token = login.json()["token"]
        made = await client.post(
            "/api/v1/workbins",
            json={"name": name, "description": description},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, made.text


def tab(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("tab", name=name)


def workbin(page: Page, name: str):  # type: ignore[no-untyped-def]
    """A workbin in the view's list, named with its count ("My workbin, 1 item")."""
    return page.get_by_role("navigation", name="Workbins").get_by_role(
        "button", name=re.compile(rf"^{re.escape(name)}, \d+ items?$")
    )


def item(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("parley-workbins table").get_by_role("button", name=name, exact=True)


def row(page: Page, name: str):  # type: ignore[no-untyped-def]
    """The items table's row of a contact."""
    return page.locator("parley-workbins tr").filter(
        has=page.get_by_role("button", name=name, exact=True)
    )


async def test_move_to_workbin_find_it_in_the_workbins_view_and_open_it(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True, agent_capacity=1) as d:
        await shared_workbin(d, "Escalations", "Chats a team lead must look at")
        page = await new_page(browser, 1440, 860)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Where is my order?"}}, "Ana Souza"
        )
        await open_chat(page, "Ana Souza")

        # Move to Workbin: the dialog, its keyboard, the personal workbin preselected
        move = page.get_by_role("button", name="Move to Workbin")
        await move.click()
        dialog = page.get_by_role("dialog", name="Move to Workbin")
        await expect(dialog).to_be_visible()
        choice = dialog.get_by_label("Workbin")
        await expect(choice).to_be_focused()
        await expect(choice.locator("option:checked")).to_have_text(re.compile("^My workbin"))
        await expect(choice.locator("option", has_text="Escalations")).to_have_count(1)
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await expect(move).to_be_focused()

        await move.click()
        await dialog.get_by_label("Reason (optional)").fill("Waiting for the warehouse")
        await shot(page, "workbins-move-dialog")
        await dialog.get_by_role("button", name="Move").click()
        await expect(dialog).to_be_hidden()
        await expect(entry(page, "Ana Souza")).to_have_count(0)
        await expect(
            page.get_by_role("status").filter(has_text="Chat with Ana Souza moved to your workbin")
        ).to_be_visible()

        # Parked work does not count: Bruno reaches Alice though her capacity is 1
        await d.customer_says(BRUNO, {"type": "text", "text": {"body": "Hi there"}}, "Bruno Lima")
        await expect(entry(page, "Bruno Lima")).to_be_visible()
        await d.say(BRUNO, "Still there?")

        await tab(page, "Workbins").click()
        await expect(workbin(page, "My workbin")).to_have_accessible_name("My workbin, 1 item")
        await expect(workbin(page, "My workbin")).to_have_attribute("aria-current", "true")
        ana = row(page, "Ana Souza")
        await expect(ana).to_contain_text("Where is my order?")
        await expect(ana).to_contain_text("Alice Martins")
        await expect(ana).to_contain_text("Waiting for the warehouse")
        await expect(ana.locator(".wb-wait")).to_have_text(re.compile(r"^\d+ (s|min)$"))

        # search and the empty state that says what to do
        search = page.get_by_role("searchbox", name="Search items")
        await search.fill("nobody here")
        await expect(item(page, "Ana Souza")).to_have_count(0)
        await expect(page.get_by_text("Nothing matches")).to_be_visible()
        await search.fill("warehouse")
        await expect(item(page, "Ana Souza")).to_be_visible()

        await item(page, "Ana Souza").click()
        details = page.get_by_role("complementary", name="Workbin item")
        await expect(details.get_by_role("region", name="Transcript (read only)")).to_contain_text(
            "Where is my order?"
        )
        await expect(details.get_by_role("button", name="Reply")).to_have_count(0)
        await shot(page, "workbins-view-light")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await shot(page, "workbins-view-dark")
        await page.get_by_role("button", name="Switch to light theme").click()

        # at capacity: the server's 409 says what to do
        await details.get_by_role("button", name="Open").click()
        await expect(details.get_by_role("alert")).to_contain_text("1 of 1")
        await expect(item(page, "Ana Souza")).to_be_visible()

        # the shared workbin starts empty and says how to fill it
        await workbin(page, "Escalations").click()
        await expect(page.get_by_text("This workbin is empty")).to_be_visible()
        await workbin(page, "My workbin").click()

        # Bruno is done: now Open brings Ana back to the desk, selected
        await tab(page, "Interactions").click()
        await entry(page, "Bruno Lima").click()
        await page.get_by_role("button", name="Mark Done").click()
        await (
            page.get_by_role("dialog", name="Mark Done")
            .get_by_role("button", name="Mark Done")
            .click()
        )
        await expect(entry(page, "Bruno Lima")).to_have_count(0)
        await tab(page, "Workbins").click()
        await item(page, "Ana Souza").click()
        await details.get_by_role("button", name="Open").click()
        await expect(tab(page, "Interactions")).to_have_attribute("aria-selected", "true")
        await expect(entry(page, "Ana Souza")).to_have_attribute("aria-current", "true")
        await expect(page.get_by_role("textbox", name="Message")).to_be_enabled()
        await expect(page.locator("parley-transcript")).to_contain_text("Where is my order?")
        await tab(page, "Workbins").click()
        await expect(workbin(page, "My workbin")).to_have_accessible_name("My workbin, 0 items")
        await expect(page.get_by_text("This workbin is empty")).to_be_visible()


async def test_logging_out_with_a_chat_open_parks_it_in_the_workbin(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await expect(entry(page, "Ana Souza")).to_be_visible()
        await page.get_by_role("button", name="Log out").click()
        dialog = page.get_by_role("dialog", name="Log out?")
        await expect(dialog).to_contain_text(
            "You have 1 open interaction. It goes to your workbin “WhatsApp in progress”"
        )
        await dialog.get_by_role("button", name="Log out").click()
        await expect(page.get_by_label("Username")).to_be_visible()

        await log_in(page, d.url)
        await expect(entry(page, "Ana Souza")).to_have_count(0)
        await tab(page, "Workbins").click()
        await expect(workbin(page, "My workbin")).to_have_accessible_name("My workbin, 1 item")
        ana = row(page, "Ana Souza")
        await expect(ana).to_contain_text("Hello?")
        await expect(ana).to_contain_text("Logged out")


async def test_a_second_agent_receives_it_when_the_customer_writes(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        await add_user(d.settings, "bob", "agent", "Bob Chen", PASSWORD)
        alice = await new_page(browser)
        await go_ready(alice, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "My parcel is late"}}, "Ana Souza"
        )
        await open_chat(alice, "Ana Souza")
        await alice.get_by_role("textbox", name="Message").fill("Let me check with the warehouse")
        await alice.get_by_role("button", name="Send").click()
        await alice.get_by_role("button", name="Move to Workbin").click()
        await (
            alice.get_by_role("dialog", name="Move to Workbin")
            .get_by_role("button", name="Move")
            .click()
        )
        await expect(entry(alice, "Ana Souza")).to_have_count(0)
        await alice.get_by_role("button", name="Not Ready", exact=True).click()
        await tab(alice, "Workbins").click()
        await expect(item(alice, "Ana Souza")).to_be_visible()

        bob = await new_page(browser)
        await log_in(bob, d.url, "bob")
        await bob.get_by_role("button", name="Ready", exact=True).click()
        await expect(bob.get_by_role("button", name="Ready", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )

        await d.say(ANA, "Hello? anyone?")
        # Alice is Not Ready: it leaves her workbin, live, and reaches Bob, saying where it was
        await expect(item(alice, "Ana Souza")).to_have_count(0)
        await expect(entry(bob, "Ana Souza")).to_be_visible()
        await expect(card(bob, "Ana Souza")).to_contain_text("Back from Alice Martins's workbin")
        await entry(bob, "Ana Souza").click()
        info = bob.get_by_role("complementary", name="Case information")
        await expect(info).to_contain_text("Back from Alice Martins's workbin")
        await expect(bob.locator("parley-transcript")).to_contain_text("Hello? anyone?")
        await expect(bob.locator("parley-transcript")).to_contain_text(
            "Let me check with the warehouse"
        )
        await shot(bob, "workbins-back-from")


async def test_the_workbin_toast_goes_when_the_chat_is_opened_again(
    settings: Settings, browser: Browser
) -> None:
    """A toast about an interaction never contradicts the screen: "moved to your workbin" goes
    as soon as the agent opens the chat again, and leaves no Dismiss button behind."""
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser, 1440, 860)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        await page.get_by_role("button", name="Move to Workbin").click()
        dialog = page.get_by_role("dialog", name="Move to Workbin")
        await dialog.get_by_role("button", name="Move").click()
        toast = page.get_by_role("status").filter(has_text="moved to your workbin")
        await expect(toast).to_be_visible()
        await tab(page, "Workbins").click()
        await item(page, "Ana Souza").click()
        details = page.get_by_role("complementary", name="Workbin item")
        await details.get_by_role("button", name="Open").click()
        await expect(entry(page, "Ana Souza")).to_be_visible()
        await expect(toast).to_have_count(0, timeout=2_000)  # well before it would expire
        await expect(page.get_by_role("button", name="Dismiss")).to_have_count(0)
