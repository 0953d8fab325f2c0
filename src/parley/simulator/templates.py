"""Message templates: the seeded set and helpers to read their components.

Templates are kept exactly as Meta lists them (WHATSAPP.md §6.1). The seed covers what the
connector and the desktop need: APPROVED positional templates (one matching the help page's
five-parameter payment notification), a NAMED one, a media-header one, and PAUSED, PENDING,
REJECTED and DISABLED ones for the error paths.
"""

from __future__ import annotations

import copy
import re
from typing import Any

Template = dict[str, Any]

SEEDED_AT = 1767225600
_POSITIONAL = re.compile(r"\{\{\s*(\d+)\s*\}\}")
_NAMED = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


def _quick(*labels: str) -> dict[str, Any]:
    return {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": t} for t in labels]}


def _tpl(
    tid: str,
    name: str,
    language: str,
    status: str,
    category: str,
    components: list[Any],
    **extra: Any,
) -> Template:
    template: Template = {
        "id": tid,
        "name": name,
        "language": language,
        "status": status,
        "category": category,
        "parameter_format": extra.pop("parameter_format", "POSITIONAL"),
        "components": components,
        "quality_score": {
            "score": "GREEN" if status == "APPROVED" else "UNKNOWN",
            "date": SEEDED_AT,
        },
        "rejected_reason": extra.pop("rejected_reason", "NONE"),
    }
    template.update(extra)
    return template


def seed_templates() -> list[Template]:
    """A fresh copy of the seeded templates."""
    return copy.deepcopy(_SEED)


_SEED: list[Template] = [
    _tpl(
        "1387372356726601",
        "payment_confirmation",
        "en_US",
        "APPROVED",
        "UTILITY",
        [
            {
                "type": "BODY",
                "text": "Hello {{1}}.\nHave you ordered {{2}}?\nIf yes, please, confirm {{3}} "
                "payment issued to your {{4}} card.\nWe will send you {{5}}.\nThanks, {{1}}.",
                "example": {
                    "body_text": [
                        [
                            "Masha Ivanova",
                            "flowers",
                            "$10",
                            "credit",
                            "Wednesday, May 13, 2020 4:57 PM",
                        ]
                    ]
                },
            },
            {"type": "FOOTER", "text": "Parley Store"},
            _quick("Confirm payment", "Talk to an agent"),
        ],
    ),
    _tpl(
        "1387372356726602",
        "order_delay_notice",
        "pt_BR",
        "APPROVED",
        "UTILITY",
        [
            {
                "type": "HEADER",
                "format": "TEXT",
                "text": "Pedido {{1}}",
                "example": {"header_text": ["#2291"]},
            },
            {
                "type": "BODY",
                "text": "Olá {{1}}, seu pedido atrasou {{2}} dias.",
                "example": {"body_text": [["Ana", "2"]]},
            },
            {"type": "FOOTER", "text": "Parley Store"},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "Falar com atendente"},
                    {
                        "type": "URL",
                        "text": "Rastrear",
                        "url": "https://shop.example/t/{{1}}",
                        "example": ["https://shop.example/t/123"],
                    },
                ],
            },
        ],
    ),
    _tpl(
        "1387372356726603",
        "appointment_reminder",
        "en_US",
        "APPROVED",
        "UTILITY",
        [
            {"type": "HEADER", "format": "TEXT", "text": "Appointment reminder"},
            {
                "type": "BODY",
                "text": "Hi {{1}}, this is a reminder of your appointment on {{2}} at {{3}}. "
                "Reply to confirm or reschedule.",
                "example": {"body_text": [["Ana", "May 14", "10:30"]]},
            },
            _quick("Confirm", "Reschedule"),
        ],
    ),
    _tpl(
        "1387372356726604",
        "service_followup",
        "en_US",
        "APPROVED",
        "UTILITY",
        [
            {
                "type": "BODY",
                "text": "We have an update about your request. Reply to this message "
                "to continue the conversation with our team.",
            },
            _quick("Continue"),
        ],
    ),
    _tpl(
        "1387372356726605",
        "order_shipped",
        "en_US",
        "APPROVED",
        "UTILITY",
        [
            {
                "type": "BODY",
                "text": "Hi {{first_name}}, your order {{order_id}} has shipped and should "
                "arrive by {{delivery_date}}.",
                "example": {
                    "body_text_named_params": [
                        {"param_name": "first_name", "example": "Ana"},
                        {"param_name": "order_id", "example": "#2291"},
                        {"param_name": "delivery_date", "example": "May 14"},
                    ]
                },
            },
            {"type": "FOOTER", "text": "Parley Store"},
        ],
        parameter_format="NAMED",
    ),
    _tpl(
        "1387372356726606",
        "delivery_photo",
        "en_US",
        "APPROVED",
        "UTILITY",
        [
            {
                "type": "HEADER",
                "format": "IMAGE",
                "example": {"header_handle": ["https://shop.example/photo.jpg"]},
            },
            {
                "type": "BODY",
                "text": "Your parcel was delivered to {{1}}. The photo is above.",
                "example": {"body_text": [["Av. Paulista 1000"]]},
            },
        ],
    ),
    _tpl(
        "1387372356726607",
        "spring_sale",
        "en_US",
        "PAUSED",
        "MARKETING",
        [
            {
                "type": "BODY",
                "text": "Spring sale: {{1}} off everything until Sunday!",
                "example": {"body_text": [["20%"]]},
            },
        ],
        quality_score={"score": "RED", "date": SEEDED_AT},
    ),
    _tpl(
        "1387372356726608",
        "loyalty_points",
        "en_US",
        "PENDING",
        "MARKETING",
        [
            {
                "type": "BODY",
                "text": "You have {{1}} loyalty points waiting.",
                "example": {"body_text": [["120"]]},
            },
        ],
    ),
    _tpl(
        "1387372356726609",
        "promo_blast",
        "en_US",
        "REJECTED",
        "MARKETING",
        [
            {"type": "BODY", "text": "Buy now!!! {{1}}", "example": {"body_text": [["50% off"]]}},
        ],
        rejected_reason="PROMOTIONAL",
    ),
    _tpl(
        "1387372356726610",
        "legacy_offer",
        "en_US",
        "DISABLED",
        "MARKETING",
        [
            {
                "type": "BODY",
                "text": "Our legacy offer is back for {{1}}.",
                "example": {"body_text": [["you"]]},
            },
        ],
    ),
]


def positional_count(text: str) -> int:
    """Number of positional parameters in a component text (the highest `{{n}}`)."""
    return max((int(n) for n in _POSITIONAL.findall(text)), default=0)


def named_params(text: str) -> list[str]:
    return [n for n in _NAMED.findall(text) if not n.isdigit()]


def component(template: Template, kind: str) -> dict[str, Any] | None:
    for comp in template.get("components", []):
        if comp.get("type") == kind:
            return dict(comp)
    return None


def buttons(template: Template) -> list[dict[str, Any]]:
    comp = component(template, "BUTTONS")
    return list(comp["buttons"]) if comp else []


def normalize_language(code: str) -> str:
    return code.replace("-", "_")
