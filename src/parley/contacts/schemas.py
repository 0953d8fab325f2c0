"""Contact shapes of the public API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from parley.contacts.models import Contact
from parley.db.bulk import loaded_values
from parley.fields import Id, Text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        row = loaded_values(contact)
        return cls(
            id=row["id"],
            wa_id=row["wa_id"],
            bsuid=row["bsuid"],
            user_id=row["bsuid"],
            parent_bsuid=row["parent_bsuid"],
            username=row["username"],
            name=display_name(contact),
            profile_name=row["profile_name"],
            marketing_opt_out_at=row["marketing_opt_out_at"],
            created_at=row["created_at"],
        )


class ContactDetail(ContactOut):
    """A contact as the Contact Directory shows and edits it."""

    email: str | None
    notes: str | None
    fields: dict[str, str]
    updated_at: datetime

    @classmethod
    def of(cls, contact: Contact) -> ContactDetail:
        base = ContactOut.of(contact).model_dump()
        return cls(
            **base,
            email=contact.email,
            notes=contact.notes,
            fields={k: str(v) for k, v in (contact.fields or {}).items() if v is not None},
            updated_at=contact.updated_at,
        )


class ContactList(BaseModel):
    """A page of search results, most relevant first. Matches are never counted (a common
    name may have thousands): `has_more` says whether there are more than these, so a client
    shows "50+" and asks the agent to type more."""

    items: list[ContactDetail]
    has_more: bool = False


def _email(value: str) -> str:
    value = value.strip()
    if value and not _EMAIL.match(value):
        raise ValueError("is not an email address")
    return value


NameText = Annotated[str, StringConstraints(max_length=200), *Text.__metadata__]
EmailText = Annotated[
    str, StringConstraints(max_length=254), *Text.__metadata__, AfterValidator(_email)
]
NotesText = Annotated[str, StringConstraints(max_length=4000), *Text.__metadata__]
FieldText = Annotated[str, StringConstraints(max_length=500), *Text.__metadata__]


class ContactPatch(BaseModel):
    """The fields to change; those left out keep their value, an empty text clears one.
    `fields` names custom fields from `contact_fields` (configuration); `null` clears one."""

    model_config = ConfigDict(extra="forbid")

    name: NameText | None = None
    email: EmailText | None = None
    notes: NotesText | None = None
    fields: dict[str, FieldText | None] | None = None


class MergeIn(BaseModel):
    """`POST /contacts/{id}/merge`: the contact `{id}` is kept; `merge_id` goes into it."""

    model_config = ConfigDict(extra="forbid")

    merge_id: Id


class MergeOut(BaseModel):
    contact: ContactDetail
    merged_id: int
    moved: dict[str, Any] = Field(
        description="what moved: counts of sessions, interactions and messages, and identities"
    )


def display_name(contact: Contact) -> str:
    """The agent's name for the contact, else WhatsApp's profile name, number, username."""
    if contact.name or contact.profile_name:
        return contact.name or contact.profile_name or ""
    if contact.wa_id:
        return "+" + contact.wa_id
    return contact.username or "?"
