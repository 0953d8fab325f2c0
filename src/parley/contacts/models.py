"""Contacts: customers keyed by WhatsApp id (`wa_id`), else by business-scoped user id (BSUID).

Meta's identities (WHATSAPP.md §2.2): the phone number `wa_id` (absent for a user who hides it
behind a username), the BSUID (`user_id` in webhooks, stable per business portfolio), the parent
BSUID (`parent_user_id`, shared across a portfolio's businesses) and the `@username`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    bsuid: Mapped[str | None] = mapped_column(String(160), unique=True)
    parent_bsuid: Mapped[str | None] = mapped_column(String(160))
    username: Mapped[str | None] = mapped_column(String(200))
    profile_name: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    # When the customer stopped marketing messages (`user_preferences`), None if they accept them.
    marketing_opt_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def address(self) -> str | None:
        """Where sends go: the wa_id (`to`), else the BSUID (`recipient`)."""
        return self.wa_id or self.bsuid
