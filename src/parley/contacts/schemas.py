"""Contact shapes of the public API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contacts.models import Contact


class ContactOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    wa_id: str | None
    bsuid: str | None = Field(description="WhatsApp's business-scoped user id (BSUID).")
    user_id: str | None = Field(
        description="The BSUID under its earlier name; kept for existing integrations."
    )
    name: str
    profile_name: str | None
    created_at: datetime

    @classmethod
    def of(cls, contact: Contact) -> ContactOut:
        return cls(
            id=contact.id,
            wa_id=contact.wa_id,
            bsuid=contact.bsuid,
            user_id=contact.bsuid,
            name=display_name(contact),
            profile_name=contact.profile_name,
            created_at=contact.created_at,
        )


def display_name(contact: Contact) -> str:
    return contact.name or contact.profile_name or ("+" + contact.wa_id if contact.wa_id else "?")
