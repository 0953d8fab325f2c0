"""The demo's response library: a small category tree and the help page's notification."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from parley.db.uow import UnitOfWork
from parley.responses.library import import_library
from parley.responses.models import StandardResponse
from parley.responses.schemas import LibraryFile

DEMO_LIBRARY = {
    "version": 1,
    "categories": [
        {
            "name": "Greetings",
            "responses": [
                {
                    "name": "Welcome",
                    "text": "Hello {{contact.first_name}}, this is {{agent.first_name}} from "
                    "Parley Store. How can I help you today?",
                },
                {
                    "name": "Closing",
                    "text": "Thank you for contacting Parley Store, {{contact.first_name}}. "
                    "Have a great day!",
                },
            ],
        },
        {
            "name": "Orders",
            "responses": [
                {
                    "name": "Order status",
                    "text": "Let me check your order, {{contact.first_name}}. Could you send me "
                    "the order number? It starts with # and is in your confirmation e-mail.",
                },
            ],
            "categories": [
                {
                    "name": "Delivery",
                    "responses": [
                        {
                            "name": "Delivery times",
                            "text": "Orders placed before 2 PM ship the same day. Delivery "
                            "takes 1-3 business days; today is {{date.full}}.",
                        },
                        {
                            "name": "Late delivery apology",
                            "text": "I am sorry your parcel is late, {{contact.first_name}}. "
                            "I have opened case {{interaction.id}} with the courier and will "
                            "write to you as soon as I hear back.",
                        },
                    ],
                }
            ],
        },
        {
            "name": "Billing",
            "responses": [
                {
                    "name": "Refund policy",
                    "text": "Refunds reach your card within 5 business days of us receiving "
                    "the item. You will get an e-mail when it is done.",
                },
            ],
            "categories": [
                {
                    "name": "Notifications",
                    "responses": [
                        {
                            "name": "HSM_payment_confirmation",
                            "text": "Payment confirmation (WhatsApp template)",
                            "template": {
                                "name": "payment_confirmation",
                                "language": "en_US",
                                "parameters": {
                                    "1": {"label": "Name", "value": "{{contact.name}}"},
                                    "2": {"label": "Product", "value": "flowers"},
                                    "3": {"label": "Bill", "value": "$10"},
                                    "4": {"label": "Number of the card", "value": "credit"},
                                    "5": {"label": "Date", "value": "{{datetime.now}}"},
                                },
                            },
                        },
                        {
                            "name": "HSM_order_shipped",
                            "text": "Order shipped (WhatsApp template)",
                            "template": {
                                "name": "order_shipped",
                                "language": "en_US",
                                "parameters": {
                                    "first_name": {
                                        "label": "First name",
                                        "value": "{{contact.first_name}}",
                                    },
                                    "order_id": {"label": "Order", "value": ""},
                                    "delivery_date": {"label": "Delivery date", "value": ""},
                                },
                            },
                        },
                        {
                            "name": "HSM_service_followup",
                            "text": "Follow-up to reopen the conversation (WhatsApp template)",
                            "template": {"name": "service_followup", "language": "en_US"},
                        },
                    ],
                }
            ],
        },
    ],
}


async def seed_library(uow: UnitOfWork, now: datetime) -> bool:
    """Import the demo library into an empty one; False (nothing done) if it has responses."""
    if await uow.session.scalar(select(func.count()).select_from(StandardResponse)):
        return False
    await import_library(uow, LibraryFile.model_validate(DEMO_LIBRARY), now)
    return True
