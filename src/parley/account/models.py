"""What Meta says about the WhatsApp account itself: restrictions, bans, number quality."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class AccountAlert(Base):
    """One `account_update` or `phone_number_quality_update` webhook change, kept whole."""

    __tablename__ = "account_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(80))  # Meta's `event` (ACCOUNT_RESTRICTION, ...)
    title: Mapped[str] = mapped_column(String(300))  # what an admin reads in the banner
    detail: Mapped[dict[str, Any]]  # the change's `value`
    received_at: Mapped[datetime]
