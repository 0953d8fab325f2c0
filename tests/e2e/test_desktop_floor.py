"""The Floor view: a supervisor watches the queue live, moves work between agents, sets an agent
Not Ready and monitors a conversation; the agents' desktops say what happened."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from parley.commands import add_user
from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, entry, go_ready, log_in, open_chat, open_view
from tests.e2e.desk import desk as running_desk
from tests.factories import PASSWORD


def floor_table(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Floor").get_by_role("table", name=name)


def floor_row(page: Page, table: str, who: str):  # type: ignore[no-untyped-def]
    return floor_table(page, table).get_by_role("row").filter(has_text=who)


async def open_floor(page: Page, url: str) -> None:
    await log_in(page, url, "sara")
    await open_view(page, "Floor")
    await expect(page.get_by_role("region", name="Floor")).to_be_visible()


async def theme(page: Page, dark: bool) -> None:
    name = "Switch to dark theme" if dark else "Switch to light theme"
    button = page.get_by_role("button", name=name)
    if await button.count():
        await button.click()


async def test_a_supervisor_watches_a_customer_arrive_wait_and_be_answered_live(
    settings: Settings, browser: Browser
) -> None:
    async with running_desk(settings, auto_accept=False) as d:
        await add_user(d.settings, "sara", "supervisor", "Sara Lead", PASSWORD)
        sara = await new_page(browser, 1360, 900)
        await open_floor(sara, d.url)
        await expect(floor_table(sara, "Waiting customers")).to_contain_text("Nobody is waiting.")
        alice = await new_page(browser)
        await log_in(alice, d.url)
        await expect(alice.get_by_role("tab", name="Floor")).to_have_count(0)

        await d.say(ANA, "Hello, has my order shipped?")
        waiting = floor_row(sara, "Waiting customers", "Ana Souza")
        await expect(waiting).to_contain_text("Hello, has my order shipped?")
        await expect(waiting).to_contain_text("Queued")
        wait_cell = waiting.get_by_role("cell").nth(0)
        first = await wait_cell.inner_text()
        await expect(wait_cell).not_to_have_text(first, timeout=3000)  # the wait ticks
        await expect(sara.get_by_role("heading", name="Queue · 1 waiting")).to_be_visible()
        await expect(floor_row(sara, "Agents", "Alice Martins")).to_contain_text("Not Ready")
        await shot(sara, "floor-queue-light")

        await alice.get_by_role("button", name="Ready", exact=True).click()
        await expect(waiting).to_contain_text("Offered to Alice Martins")
        await expect(floor_row(sara, "Agents", "Alice Martins")).to_contain_text("1 of 3")
        await open_chat(alice, "Ana Souza")
        await expect(floor_table(sara, "Waiting customers")).to_contain_text("Nobody is waiting.")
        await expect(floor_row(sara, "Interactions in progress", "Ana Souza")).to_contain_text(
            "Alice Martins"
        )
        # Alice's reply reads with her name on the Floor: Sara did not write it.
        await alice.get_by_role("textbox", name="Message").fill("Hello Ana, it shipped today")
        await alice.keyboard.press("Enter")
        progress = floor_row(sara, "Interactions in progress", "Ana Souza")
        await expect(progress).to_contain_text("Alice Martins: Hello Ana, it shipped today")
        await expect(progress).not_to_contain_text("You:")
        tiles = sara.get_by_role("region", name="Today’s figures")
        await expect(tiles).to_contain_text(re.compile(r"Answered\s*1"))
        await expect(tiles).to_contain_text(re.compile(r"Offered\s*1"))
        await theme(sara, dark=True)
        await shot(sara, "floor-answered-dark")


async def test_a_supervisor_moves_work_from_alice_to_bob_and_both_desktops_update(
    settings: Settings, browser: Browser
) -> None:
    async with running_desk(settings, auto_accept=True) as d:
        await add_user(d.settings, "sara", "supervisor", "Sara Lead", PASSWORD)
        await add_user(d.settings, "bob", "agent", "Bob Ferreira", PASSWORD)
        alice = await new_page(browser)
        await go_ready(alice, d.url)
        await d.say(ANA, "I need to change my address")
        await expect(entry(alice, "Ana Souza")).to_be_visible()
        bob = await new_page(browser)
        await log_in(bob, d.url, "bob")
        await bob.get_by_role("button", name="Ready", exact=True).click()
        sara = await new_page(browser, 1360, 900)
        await open_floor(sara, d.url)

        held = floor_row(sara, "Interactions in progress", "Ana Souza")
        await expect(held).to_contain_text("Alice Martins")
        await held.get_by_role("button", name="Move Ana Souza").click()
        dialog = sara.get_by_role("dialog", name="Move Ana Souza")
        await dialog.get_by_label("Move to").select_option(label="Bob Ferreira — Ready, 0 of 3")
        await shot(sara, "floor-move-dialog-light")
        await dialog.get_by_role("button", name="Move").click()
        await expect(dialog).to_be_hidden()

        await expect(
            alice.get_by_role("status").filter(
                has_text="Chat with Ana Souza moved to Bob Ferreira by Sara Lead"
            )
        ).to_be_visible()
        await expect(entry(alice, "Ana Souza")).to_have_count(0)
        await expect(entry(bob, "Ana Souza")).to_be_visible()
        await expect(
            bob.get_by_role("status").filter(
                has_text="Chat with Ana Souza moved to you by Sara Lead"
            )
        ).to_be_visible()
        await expect(floor_row(sara, "Waiting customers", "Ana Souza")).to_contain_text(
            "Offered to Bob Ferreira"
        )
        await shot(bob, "floor-moved-bob-light")

        # Not Ready with a reason: Alice's desktop says who did it.
        agent = floor_row(sara, "Agents", "Alice Martins")
        await agent.get_by_role("button", name="Set Alice Martins Not Ready").click()
        status = sara.get_by_role("dialog", name="Set Alice Martins Not Ready")
        await status.get_by_label("Reason").select_option("Training")
        await status.get_by_role("button", name="Set Not Ready").click()
        await expect(agent).to_contain_text("Not Ready (Training)")
        await expect(
            alice.get_by_role("status").filter(has_text="Set Not Ready (Training) by Sara Lead")
        ).to_be_visible()
        await expect(alice.get_by_role("button", name="Not Ready", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        await shot(alice, "floor-alice-set-not-ready-light")

        # Monitor: read only and live.
        await open_chat(bob, "Ana Souza")
        await theme(sara, dark=True)
        await (
            floor_row(sara, "Interactions in progress", "Ana Souza")
            .get_by_role("button", name="Monitor Ana Souza")
            .click()
        )
        monitor = sara.get_by_role("dialog", name="Monitor Ana Souza")
        watched = monitor.get_by_role("region", name="Transcript (read only)")
        await expect(watched).to_contain_text("I need to change my address")
        await expect(monitor.get_by_role("textbox")).to_have_count(0)
        await expect(monitor.get_by_role("button", name="Mark Done")).to_have_count(0)
        await d.say(ANA, "It is Rua das Flores 10")
        await expect(watched).to_contain_text("It is Rua das Flores 10")
        await shot(sara, "floor-monitor-dark")
        # The dialog follows the conversation's events: Bob closes it, the line says so.
        await expect(monitor).to_contain_text("With Bob Ferreira · read only")
        await bob.get_by_role("button", name="Mark Done").click()
        await (
            bob.get_by_role("dialog", name="Mark Done")
            .get_by_role("button", name="Mark Done")
            .click()
        )
        await expect(monitor).to_contain_text("Done · read only")
        await monitor.get_by_role("button", name="Close").click()
        await expect(monitor).to_be_hidden()
        await shot(sara, "floor-dark")
