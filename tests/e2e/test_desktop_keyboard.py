"""Keyboard and focus on the agent desktop: the emoji picker closes when focus leaves it and moves
by row, and it opens above the composer so the draft stays in view."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, BRUNO, desk, entry, go_ready, open_chat, transcript


async def focused_label(page: Page) -> str:
    label: str = await page.evaluate(
        "() => document.activeElement?.getAttribute('aria-label') ?? ''"
    )
    return label


async def test_emoji_picker_keyboard_focus_and_placement(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        composer = page.get_by_role("textbox", name="Message")
        insert = page.get_by_role("button", name="Insert Emoji")
        picker = page.get_by_role("dialog", name="Insert Emoji")
        search = picker.get_by_role("searchbox", name="Search emoji")

        # one recently used emoji: a row of one above the categories
        await insert.click()
        await search.fill("pizza")
        await search.press("Enter")
        await composer.fill("A draft the agent is still reading")

        await insert.click()
        await expect(picker.get_by_role("group", name="Recently used")).to_be_visible()
        # the draft stays visible: the picker sits above the composer
        pick_box, text_box = await picker.bounding_box(), await composer.bounding_box()
        assert pick_box and text_box and pick_box["y"] + pick_box["height"] <= text_box["y"]
        await shot(page, "keyboard-emoji-picker-above-draft")

        await search.press("ArrowDown")
        assert await focused_label(page) == "pizza"
        await page.keyboard.press("ArrowDown")
        assert await focused_label(page) == "grinning face"  # the next row's first, not its 9th
        await page.keyboard.press("ArrowUp")
        assert await focused_label(page) == "pizza"

        # Tab out of the grid closes it; focus is not left on <body>
        await page.keyboard.press("Tab")
        await expect(picker).to_be_hidden()
        assert await page.evaluate("() => document.activeElement !== document.body")
        await expect(insert).to_have_attribute("aria-expanded", "false")

        # Escape closes it from the grid and gives focus back to Insert Emoji
        await insert.click()
        await search.press("ArrowDown")
        await page.keyboard.press("ArrowRight")
        await page.keyboard.press("Escape")
        await expect(picker).to_be_hidden()
        await expect(insert).to_be_focused()
        await expect(composer).to_have_value("A draft the agent is still reading")

        # a second click on Insert Emoji closes it
        await insert.click()
        await expect(picker).to_be_visible()
        await insert.click()
        await expect(picker).to_be_hidden()


async def test_log_out_asks_first_while_interactions_are_open(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        # nothing open: no question
        await go_ready(page, d.url)
        await page.get_by_role("button", name="Log out").click()
        await expect(page.get_by_label("Username")).to_be_visible()

        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await d.customer_says(BRUNO, {"type": "text", "text": {"body": "Hi there"}}, "Bruno Lima")
        await expect(entry(page, "Bruno Lima")).to_be_visible()
        log_out = page.get_by_role("button", name="Log out")
        await log_out.click()
        dialog = page.get_by_role("dialog", name="Log out?")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text(
            "You have 2 open interactions. They go to your workbin “WhatsApp in progress”, where "
            "you can open them again. Log out anyway?"
        )
        await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
        await shot(page, "keyboard-logout-confirm")
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await expect(log_out).to_be_focused()
        await expect(entry(page, "Ana Souza")).to_be_visible()  # still logged in

        await log_out.press("Enter")
        await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
        await page.keyboard.press("Tab")
        await expect(dialog.get_by_role("button", name="Log out")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.get_by_label("Username")).to_be_visible()


async def test_the_transcript_is_one_tab_stop_with_arrows_between_messages(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings, auto_accept=True) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Message 1"}}, "Ana Souza")
        for n in range(2, 9):
            await d.say(ANA, f"Message {n}")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_text("Message 8")).to_be_visible()
        composer = page.get_by_role("textbox", name="Message")

        # from the header to the composer: the newest message, its Reply and React, then the box
        await page.get_by_role("button", name="Mark Done").focus()
        tabs = 0
        while not await composer.evaluate("el => el === document.activeElement"):
            await page.keyboard.press("Tab")
            tabs += 1
            assert tabs <= 4, "every message is still a Tab stop"
        await page.keyboard.press("Shift+Tab")
        assert await focused_label(page) == "React"
        await page.keyboard.press("Shift+Tab")
        assert await focused_label(page) == "Reply"
        await page.keyboard.press("Shift+Tab")
        row = page.locator(":focus")
        await expect(row).to_contain_text("Message 8")
        await page.keyboard.press("ArrowUp")
        await page.keyboard.press("ArrowUp")
        await expect(page.locator(":focus")).to_contain_text("Message 6")
        await shot(page, "keyboard-transcript-roving-focus")
        # the message now focused is the one Tab comes back to
        await composer.focus()
        await page.keyboard.press("Shift+Tab")
        await page.keyboard.press("Shift+Tab")
        await page.keyboard.press("Shift+Tab")
        await expect(page.locator(":focus")).to_contain_text("Message 6")

        # R replies to the focused message; Escape in the composer cancels the quote
        await page.keyboard.press("r")
        replying = page.get_by_text("Replying to Ana Souza")
        await expect(replying).to_be_visible()
        await composer.focus()
        await page.keyboard.press("Escape")
        await expect(replying).to_be_hidden()
