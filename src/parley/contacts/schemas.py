"""Contact shapes of the public API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contacts.models import Contact


class ContactOut(BaseModel):
    """A customer. `wa_id` is absent for a customer known only by BSUID (a username user)."""

    model_config = ConfigDict(extra="forbid")

    id: int
    wa_id: str | None
    bsuid: str | None = Field(description="Business-scoped user id (Meta's `user_id`).")
    user_id: str | None = Field(description="The BSUID under its earlier name; same as `bsuid`.")
    parent_bsuid: str | None
    username: str | None
    name: str
    profile_name: str | None
    marketing_opt_out_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, contact: Contact) -> ContactOut:
        return cls(
            id=contact.id,
            wa_id=contact.wa_id,
            bsuid=contact.bsuid,
            user_id=contact.bsuid,
            parent_bsuid=contact.parent_bsuid,
            username=contact.username,
            name=display_name(contact),
            profile_name=contact.profile_name,
            marketing_opt_out_at=contact.marketing_opt_out_at,
            created_at=contact.created_at,
        )


def display_name(contact: Contact) -> str:
    """The agent's name for the contact, else WhatsApp's profile name, number, username."""
    if contact.name or contact.profile_name:
        return contact.name or contact.profile_name or ""
    if contact.wa_id:
        return "+" + contact.wa_id
    return contact.username or "?"
