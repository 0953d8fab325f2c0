"""Record the account's alerts from webhooks, and list the recent ones for admins.

Shapes: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/account_update
and .../phone_number_quality_update. Every such change is stored; `SEVERE` ones make the banner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from parley.account.models import AccountAlert
from parley.db.uow import UnitOfWork

FIELDS = ("account_update", "phone_number_quality_update")
# Events that stop or limit sending: shown to admins as a banner until a newer event clears it.
SEVERE = frozenset(
    {
        "ACCOUNT_RESTRICTION",
        "ACCOUNT_VIOLATION",
        "DISABLED_UPDATE",
        "ACCOUNT_DELETED",
        "FLAGGED",
        "DOWNGRADE",
    }
)
_TITLES = {
    "ACCOUNT_RESTRICTION": "WhatsApp restricted this account",
    "ACCOUNT_VIOLATION": "WhatsApp found a policy violation on this account",
    "DISABLED_UPDATE": "WhatsApp disabled this account",
    "ACCOUNT_DELETED": "This WhatsApp account was deleted",
    "FLAGGED": "The phone number's quality is low (flagged)",
    "DOWNGRADE": "The phone number's messaging limit was lowered",
    "UNFLAGGED": "The phone number's quality is back to normal",
    "UPGRADE": "The phone number's messaging limit was raised",
    "THROUGHPUT_UPGRADE": "The phone number's throughput was raised",
    "VERIFIED_ACCOUNT": "This WhatsApp account is verified",
}


def alert_title(value: dict[str, Any]) -> str:
    """What the admin reads: the event in words, with the restriction, violation or limit."""
    event = str(value.get("event") or "UNKNOWN")
    title = _TITLES.get(event, f"WhatsApp account update ({event.lower().replace('_', ' ')})")
    details: list[str] = []
    for item in value.get("restriction_info") or []:
        if isinstance(item, dict) and item.get("restriction_type"):
            details.append(str(item["restriction_type"]).lower().replace("_", " "))
    violation = value.get("violation_info")
    if isinstance(violation, dict) and violation.get("violation_type"):
        details.append(str(violation["violation_type"]).lower().replace("_", " "))
    ban = value.get("ban_info")
    if isinstance(ban, dict) and ban.get("waba_ban_state"):
        details.append(f"ban state {ban['waba_ban_state']}")
    limit = value.get("current_limit") or value.get("max_daily_conversations_per_business")
    if isinstance(limit, str):
        details.append(f"limit {limit}")
    return (title + (": " + ", ".join(details) if details else ""))[:300]


def record_alert(uow: UnitOfWork, value: dict[str, Any], now: datetime) -> AccountAlert:
    alert = AccountAlert(
        event=str(value.get("event") or "UNKNOWN")[:80],
        title=alert_title(value),
        detail=value,
        received_at=now,
    )
    uow.session.add(alert)
    return alert


async def recent_alerts(uow: UnitOfWork, limit: int = 20) -> list[AccountAlert]:
    """The newest alerts first."""
    query = select(AccountAlert).order_by(AccountAlert.id.desc()).limit(limit)
    return list(await uow.session.scalars(query))


def is_severe(alert: AccountAlert) -> bool:
    return alert.event in SEVERE
