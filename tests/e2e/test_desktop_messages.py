"""The transcript and the composer: quoted replies, reactions, emoji, links, locations, contacts,
hostile text; what the agent sends reaches the customer's phone in WhatsApp's shapes."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from parley.settings import Settings
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, go_ready, open_chat, transcript


async def test_quoted_reply_and_reaction_reach_the_phone(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA, {"type": "text", "text": {"body": "Hi, my order #2291 is late"}}, "Ana Souza"
        )
        await d.say(ANA, "It was due on Monday")
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        first = chat.get_by_role("listitem").filter(has_text="my order #2291 is late")
        await expect(first).to_be_visible()

        # reply to the first message: the composer quotes it, the bubble shows the quote
        await first.hover()
        await first.get_by_role("button", name="Reply").click()
        await expect(page.get_by_text("Replying to Ana Souza")).to_be_visible()
        composer = page.get_by_role("textbox", name="Message")
        await composer.fill("Let me check order 2291 for you.")
        await composer.press("Enter")
        sent = chat.get_by_role("listitem").filter(has_text="Let me check order 2291")
        await expect(sent.locator("blockquote")).to_contain_text("my order #2291 is late")
        await expect(page.get_by_text("Replying to Ana Souza")).to_be_hidden()

        # react to the second message with a quick reaction
        second = chat.get_by_role("listitem").filter(has_text="It was due on Monday")
        await second.hover()
        await second.get_by_role("button", name="React").click()
        await page.get_by_role("menuitem", name="React with folded hands").click()
        await expect(second.get_by_role("img", name="You reacted 🙏")).to_be_visible()
        await shot(page, "desktop-reply-and-reaction")

        # both reach the phone in WhatsApp's shapes
        async def on_phone() -> tuple[dict, dict, dict]:
            messages = await d.phone_messages(ANA)
            inbound = [m for m in messages if m["direction"] == "in"]
            reply = next(m for m in messages if m["direction"] == "out" and m["type"] == "text")
            return inbound[0], inbound[1], reply

        for _ in range(100):
            first_in, second_in, reply = await on_phone()
            if reply.get("context") and second_in.get("reactions"):
                break
            await page.wait_for_timeout(100)
        assert reply["context"]["id"] == first_in["id"]
        assert "🙏" in second_in["reactions"].values()

        # the customer reacts back: shown on the agent's message, not as a separate line
        await d.customer_says(
            ANA, {"type": "reaction", "reaction": {"message_id": reply["id"], "emoji": "❤️"}}
        )
        await expect(sent.get_by_role("img", name="Ana Souza reacted ❤️")).to_be_visible()
        await expect(chat.get_by_text("Reacted ❤️")).to_have_count(0)


async def test_emoji_picker_search_categories_and_recent(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(ANA, {"type": "text", "text": {"body": "Hello?"}}, "Ana Souza")
        await open_chat(page, "Ana Souza")
        composer = page.get_by_role("textbox", name="Message")
        await composer.fill("Thanks ")

        await page.get_by_role("button", name="Insert Emoji").click()
        picker = page.get_by_role("dialog", name="Insert Emoji")
        await expect(picker.get_by_role("button", name="grinning face", exact=True)).to_be_visible()
        await expect(
            picker.get_by_role("toolbar", name="Emoji categories").get_by_role("button")
        ).to_have_count(9)
        await shot(page, "desktop-emoji-picker")
        # search by keyword, pick with the keyboard
        await picker.get_by_role("searchbox", name="Search emoji").fill("pizza")
        await expect(picker.get_by_role("button", name="pizza", exact=True)).to_be_visible()
        await picker.get_by_role("searchbox", name="Search emoji").press("Enter")
        await expect(picker).to_be_hidden()
        await expect(composer).to_have_value("Thanks 🍕")
        await expect(composer).to_be_focused()

        # recently used comes first next time; a shortcode finds too
        await page.get_by_role("button", name="Insert Emoji").click()
        recent = picker.get_by_role("group", name="Recently used")
        await expect(recent.get_by_role("button", name="pizza")).to_be_visible()
        await picker.get_by_role("searchbox", name="Search emoji").fill(":thumbsup:")
        await picker.get_by_role("button", name="thumbs up", exact=True).click()
        await expect(composer).to_have_value("Thanks 🍕👍️")
        await composer.press("Enter")
        await expect(transcript(page).get_by_text("Thanks 🍕👍️")).to_be_visible()
        # Escape closes and gives the focus back
        await page.get_by_role("button", name="Insert Emoji").click()
        await page.keyboard.press("Escape")
        await expect(picker).to_be_hidden()
        await expect(page.get_by_role("button", name="Insert Emoji")).to_be_focused()


HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    "[click](javascript:window.__pwned=1) javascript:alert(1)",
    "Supercalifragilisticexpialidocious" * 8,
    "\u202eevil.com/exe.txt \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "👩‍👩‍👧‍👦🏳️‍🌈 zero\u200bwidth\u200djoin",
]


async def test_links_locations_contacts_and_hostile_text(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser)
        await go_ready(page, d.url)
        await d.customer_says(
            ANA,
            {"type": "text", "text": {"body": "Tracking: https://example.com/track?id=2291."}},
            "Ana Souza",
        )
        await d.customer_says(
            ANA,
            {
                "type": "location",
                "location": {
                    "latitude": -23.5614,
                    "longitude": -46.6559,
                    "name": "MASP",
                    "address": "Av. Paulista, 1578",
                },
            },
        )
        await d.customer_says(
            ANA,
            {
                "type": "contacts",
                "contacts": [
                    {
                        "name": {"formatted_name": "Bruno Lima", "first_name": "Bruno"},
                        "phones": [
                            {"phone": "+55 11 91234-5678", "type": "CELL", "wa_id": "5511912345678"}
                        ],
                    }
                ],
            },
        )
        for text in HOSTILE:
            await d.say(ANA, text)
        await open_chat(page, "Ana Souza")
        chat = transcript(page)
        await expect(chat.get_by_text("zero\u200bwidth", exact=False)).to_be_visible()

        link = chat.get_by_role("link", name="https://example.com/track?id=2291")
        await expect(link).to_have_attribute("href", "https://example.com/track?id=2291")
        await expect(link).to_have_attribute("target", "_blank")
        await expect(link).to_have_attribute("rel", "noopener noreferrer")

        place = chat.get_by_role("listitem").filter(has_text="MASP")
        await expect(place).to_contain_text("Av. Paulista, 1578")
        map_link = place.get_by_role("link")
        await expect(map_link).to_have_attribute(
            "href", re.compile(r"^https://www\.openstreetmap\.org/\?mlat=-23\.5614&mlon=-46\.6559")
        )
        await expect(map_link).to_have_attribute("rel", "noopener noreferrer")

        card = chat.get_by_role("listitem").filter(has_text="Contact card")
        await expect(card).to_contain_text("Bruno Lima")
        await expect(card).to_contain_text("+55 11 91234-5678")

        # hostile text is text: nothing ran, no element was made from it, no javascript: link
        for text in HOSTILE[:3]:
            await expect(chat.get_by_text(text, exact=True)).to_be_visible()
        assert await page.evaluate("window.__pwned") is None
        assert await chat.locator("img, script").count() == 0
        hrefs = await chat.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
        assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
        # a right-to-left override is shown as a mark, and the text after it reads as written
        spoof = chat.get_by_role("listitem").filter(has_text="evil.com/exe.txt")
        await expect(spoof.locator(".bidi-control")).to_have_text("U+202E")
        body = await spoof.locator(".body").text_content()
        assert body is not None and "\u202e" not in body
        # a very long word wraps inside its bubble instead of widening the page
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280
        await shot(page, "desktop-links-location-hostile")
