"""What WhatsApp sends beyond plain text, as the agent reads it in the bubble: the ad that
started the chat, Flow answers, an order's items, forwarding, an edited message."""

from __future__ import annotations

import httpx
import orjson
from playwright.async_api import Browser, expect

from parley.commands import add_user
from parley.settings import Settings
from parley.whatsapp.signature import sign
from tests.e2e.conftest import new_page, shot
from tests.e2e.desk import ANA, desk, go_ready, log_in, open_chat, transcript
from tests.factories import PASSWORD

AD = {
    "source_url": "https://fb.me/parley-ad",
    "source_id": "120200000000001",
    "source_type": "ad",
    "headline": "Winter sale: 30% off boots",
    "body": "All leather boots, this week only.",
    "ctwa_clid": "AfakeCtwaClid0000",
}


async def test_the_agent_reads_ads_flow_answers_orders_forwards_and_edits(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        page = await new_page(browser, 1280, 900)
        await go_ready(page, d.url)
        first = await d.customer_says(
            ANA,
            {"type": "text", "text": {"body": "Is the boots deal still on?"}, "referral": AD},
            "Ana Souza",
        )
        # The edit below names this message: it must be stored first (the simulator delivers
        # webhooks on its own schedule, and an edit that outruns its message stands alone).
        await open_chat(page, "Ana Souza")
        flow = '{"flow_token": "t", "screen_0_Size_0": "42", "screen_0_Colour_1": "Brown"}'
        await d.customer_says(
            ANA,
            {
                "type": "interactive",
                "interactive": {
                    "type": "nfm_reply",
                    "nfm_reply": {"name": "flow", "body": "Sent", "response_json": flow},
                },
            },
        )
        await d.customer_says(
            ANA,
            {
                "type": "order",
                "order": {
                    "catalog_id": "1",
                    "product_items": [
                        {
                            "product_retailer_id": "BOOT-42",
                            "quantity": 1,
                            "item_price": "89.90",
                            "currency": "EUR",
                        },
                        {
                            "product_retailer_id": "SOCK-3P",
                            "quantity": "2",
                            "item_price": 9.5,
                            "currency": "EUR",
                        },
                    ],
                },
            },
        )
        await d.customer_says(
            ANA,
            {
                "type": "text",
                "text": {"body": "Look at this deal!!"},
                "context": {"frequently_forwarded": True},
            },
        )
        await d.customer_says(
            ANA,
            {
                "type": "edit",
                "edit": {
                    "original_message_id": first,
                    "message": {
                        "type": "text",
                        "text": {"body": "Is the boots deal still on? Size 42"},
                    },
                },
            },
        )
        await open_chat(page, "Ana Souza")
        chat = transcript(page)

        asked = chat.get_by_role("listitem").filter(has_text="Size 42")
        ad = asked.get_by_role("group", name="The ad that started the chat")
        await expect(ad).to_contain_text("Winter sale: 30% off boots")
        await expect(ad.get_by_role("link", name="Open the ad")).to_have_attribute(
            "href", "https://fb.me/parley-ad"
        )
        await expect(asked).to_contain_text("Edited")
        await asked.get_by_text("Earlier version").click()
        await expect(
            asked.get_by_role("listitem").filter(has_text="Is the boots deal still on?")
        ).to_be_visible()

        answers = chat.get_by_role("listitem").filter(has_text="Form answers")
        await expect(answers.get_by_role("definition").first).to_have_text("42")
        await expect(answers).to_contain_text("Colour")

        order = chat.get_by_role("listitem").filter(has_text="BOOT-42")
        table = order.get_by_role("table")
        await expect(table.get_by_role("row").filter(has_text="SOCK-3P")).to_contain_text(
            "EUR 9.50"
        )
        await expect(table).to_contain_text("EUR 108.90")

        forwarded = chat.get_by_role("listitem").filter(has_text="Look at this deal")
        await expect(forwarded).to_contain_text("Forwarded many times")
        # the edit is no message of its own
        await expect(chat.get_by_role("listitem").filter(has_text="Size 42")).to_have_count(1)
        await expect(page.get_by_role("navigation", name="Interactions")).to_contain_text(
            "Forwarded many times"
        )
        await shot(page, "desktop-whatsapp-shapes")
        await page.get_by_role("button", name="Switch to dark theme").click()
        await shot(page, "desktop-whatsapp-shapes-dark")


async def test_admins_see_the_account_restriction_banner_agents_do_not(
    settings: Settings, browser: Browser
) -> None:
    async with desk(settings) as d:
        await add_user(d.settings, "root", "admin", "Ada Admin", PASSWORD)
        body = orjson.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "880011223344556",
                        "time": 1767603600,
                        "changes": [
                            {
                                "field": "account_update",
                                "value": {
                                    "phone_number": "15550001111",
                                    "event": "ACCOUNT_RESTRICTION",
                                    "restriction_info": [
                                        {
                                            "restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING",
                                            "expiration": 1767690000,
                                        }
                                    ],
                                },
                            }
                        ],
                    }
                ],
            }
        )
        async with httpx.AsyncClient(base_url=d.url) as client:
            answer = await client.post(
                "/webhooks/whatsapp",
                content=body,
                headers={"X-Hub-Signature-256": sign(body, d.settings.whatsapp_app_secret)},
            )
            assert answer.status_code == 200
        admin = await new_page(browser)
        await log_in(admin, d.url, "root")
        banner = admin.get_by_role("alert").filter(has_text="WhatsApp restricted this account")
        await expect(banner).to_contain_text("restricted biz initiated messaging")
        await shot(admin, "desktop-account-banner")
        agent = await new_page(browser)
        await log_in(agent, d.url)
        await expect(agent.get_by_role("button", name="Ready", exact=True)).to_be_visible()
        await expect(agent.get_by_text("WhatsApp restricted this account")).to_have_count(0)
