"""Account alert shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from parley.account.models import AccountAlert
from parley.account.service import is_severe


class AccountAlertOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    event: str
    title: str
    severe: bool
    detail: dict[str, Any]
    received_at: datetime

    @classmethod
    def of(cls, alert: AccountAlert) -> AccountAlertOut:
        return cls(
            id=alert.id,
            event=alert.event,
            title=alert.title,
            severe=is_severe(alert),
            detail=alert.detail,
            received_at=alert.received_at,
        )


class AccountAlertsOut(BaseModel):
    """`banner`: the newest alert when it is severe (sending is limited), else null."""

    items: list[AccountAlertOut]
    banner: AccountAlertOut | None
