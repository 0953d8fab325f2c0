"""Finding, editing and merging contacts.

Contacts are keyed by the `wa_id` Meta reports (E.164 digits); what an agent types is only
used to find one (`find_by_number`, `search.search_contacts`), never to overwrite it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from parley.audit.service import record_action
from parley.auth.models import User
from parley.contacts.models import Contact, ContactAlias, ContactMerge
from parley.contacts.schemas import ContactPatch, display_name
from parley.db.uow import UnitOfWork
from parley.domain.codes import match_code
from parley.domain.phones import lookup_forms, same_number
from parley.errors import Conflict, Invalid, NotFound
from parley.interactions.models import ChatSession, Interaction
from parley.messages.models import Message


async def access_contact(uow: UnitOfWork, contact_id: int, *, for_update: bool = False) -> Contact:
    """Any signed-in user may look contacts up (the directory is shared); 404 if none, with
    the code `contact_merged` and the `kept_id` of the contact it now lives on as when it was
    merged away (someone else's merge while a client still holds it)."""
    contact = await uow.session.get(Contact, contact_id, with_for_update=for_update)
    if contact is None:
        kept = await _merged_into(uow, contact_id)
        if kept is None:
            raise NotFound("No such contact.")
        error = NotFound(
            f"This contact was merged into {display_name(kept)} (#{kept.id}); open that one.",
            code="contact_merged",
        )
        error.extra = {"kept_id": kept.id, "kept_name": display_name(kept)}
        raise error
    return contact


async def _add_alias(uow: UnitOfWork, kept: Contact, field: str, value: str, now: datetime) -> None:
    column = getattr(ContactAlias, field)
    alias = await uow.session.scalar(select(ContactAlias).where(column == value))
    if alias is None:
        uow.session.add(ContactAlias(contact_id=kept.id, created_at=now, **{field: value}))
    else:
        alias.contact_id = kept.id


async def _merged_into(uow: UnitOfWork, contact_id: int) -> Contact | None:
    """The contact a merged-away one lives on as, following later merges of that one too."""
    for _ in range(20):
        kept_id = await uow.session.scalar(
            select(ContactMerge.kept_id)
            .where(ContactMerge.merged_id == contact_id)
            .order_by(ContactMerge.id.desc())
            .limit(1)
        )
        if kept_id is None:
            return None
        kept = await uow.session.get(Contact, kept_id)
        if kept is not None:
            return kept
        contact_id = kept_id
    return None


async def find_by_number(uow: UnitOfWork, typed: str, region: str = "") -> Contact | None:
    """The contact a typed number reaches, whichever form (ninth digit, Mexico's 1) is stored."""
    forms = lookup_forms(typed, region)
    if not forms:
        return None
    found = list(await uow.session.scalars(select(Contact).where(Contact.wa_id.in_(forms))))
    found.sort(key=lambda c: forms.index(c.wa_id or ""))
    if found:
        return found[0]
    # A number merged into another contact reaches the contact that kept it.
    query = select(Contact).join(ContactAlias, ContactAlias.contact_id == Contact.id)
    return await uow.session.scalar(query.where(ContactAlias.wa_id.in_(forms)).limit(1))


def update_contact(
    contact: Contact, patch: ContactPatch, now: datetime, *, allowed_fields: tuple[str, ...]
) -> None:
    """Apply the given fields; an empty text clears one. Custom field names are matched to
    `allowed_fields` ignoring case (the configured spelling is stored), else 422
    `unknown_field` naming it. Nothing changes when any part is refused."""
    given = patch.model_fields_set
    fields = dict(contact.fields or {})
    for key, value in (patch.fields or {}).items():
        name = match_code(key, allowed_fields)
        if name is None:
            raise Invalid(
                f"Unknown contact field {key!r}; the fields are: "
                f"{', '.join(allowed_fields) or 'none configured'}.",
                code="unknown_field",
                fields=[{"field": f"fields.{key}", "message": "is not a configured field"}],
            )
        if value is None or not value.strip():
            fields.pop(name, None)
        else:
            fields[name] = value.strip()
    if "name" in given:
        contact.name = (patch.name or "").strip() or None
    if "email" in given:
        contact.email = (patch.email or "").strip() or None
    if "notes" in given:
        contact.notes = (patch.notes or "").strip() or None
    if patch.fields is not None:
        contact.fields = fields or None
    contact.updated_at = now


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "wa_id": contact.wa_id,
        "bsuid": contact.bsuid,
        "name": contact.name,
        "profile_name": contact.profile_name,
        "email": contact.email,
        "notes": contact.notes,
        "fields": contact.fields,
        "created_at": contact.created_at.isoformat(),
    }


def _check_identities(kept: Contact, other: Contact) -> None:
    if kept.wa_id and other.wa_id and not same_number(kept.wa_id, other.wa_id):
        raise Conflict(
            "These contacts have different WhatsApp numbers; both stay.", code="different_numbers"
        )
    if kept.bsuid and other.bsuid and kept.bsuid != other.bsuid:
        raise Conflict(
            "These contacts have different WhatsApp user ids; both stay.", code="different_numbers"
        )


async def merge_contacts(
    uow: UnitOfWork, user: User, kept: Contact, other: Contact, now: datetime
) -> dict[str, Any]:
    """Make `other` part of `kept`: its sessions, interactions and messages move over, its
    identities (wa_id, BSUID) and the fields `kept` lacks are copied, and `other` is deleted;
    a `contact_merges` row records the merged contact as it was and what moved, and the audit
    log (`contact.merged`) who merged which into which.

    Refused (409) when they are the same contact (`same_contact`), when both have an
    interaction that is not done (`both_open`: finish one first; two open conversations with
    one person cannot become one), or when their WhatsApp numbers differ (`different_numbers`:
    twins by the ninth digit or Mexico's 1 are the same number; the kept one's form stays).
    Returns what moved: `{"sessions", "interactions", "messages", "identities"}`.
    """
    if kept.id == other.id:
        raise Conflict("A contact cannot be merged into itself.", code="same_contact")
    _check_identities(kept, other)
    open_ids = set(
        await uow.session.scalars(
            select(Interaction.contact_id)
            .where(Interaction.contact_id.in_((kept.id, other.id)), Interaction.state != "done")
            .with_for_update()
        )
    )
    if open_ids == {kept.id, other.id}:
        raise Conflict(
            "Both contacts have an interaction that is not done; mark one Done first.",
            code="both_open",
        )
    moved: dict[str, Any] = {"identities": []}
    for model, key in (
        (ChatSession, "sessions"),
        (Interaction, "interactions"),
        (Message, "messages"),
    ):
        count = await uow.session.scalar(
            select(func.count()).select_from(model).where(model.contact_id == other.id)
        )
        await uow.session.execute(
            update(model).where(model.contact_id == other.id).values(contact_id=kept.id)
        )
        moved[key] = int(count or 0)
    record = ContactMerge(
        kept_id=kept.id,
        merged_id=other.id,
        merged=_snapshot(other),
        moved=moved,
        by_id=user.id,
        at=now,
    )
    summary = (
        f"{user.name or user.username} merged {display_name(other)} (#{other.id}) "
        f"into {display_name(kept)} (#{kept.id})"
    )
    identities = {"wa_id": other.wa_id, "bsuid": other.bsuid}
    for field in ("name", "email", "notes"):
        if getattr(kept, field) is None and getattr(other, field) is not None:
            setattr(kept, field, getattr(other, field))
    kept.profile_name = kept.profile_name or other.profile_name
    kept.fields = {**(other.fields or {}), **(kept.fields or {})} or None
    await uow.session.execute(
        update(ContactAlias).where(ContactAlias.contact_id == other.id).values(contact_id=kept.id)
    )
    await uow.session.delete(other)
    await uow.session.flush()  # the unique ids are free before the kept contact takes them
    for field, value in identities.items():
        if value and getattr(kept, field) is None:
            setattr(kept, field, value)
            moved["identities"].append(field)
        elif value and getattr(kept, field) != value:
            # The kept contact has its own form; messages from this one still reach it.
            await _add_alias(uow, kept, field, value, now)
    kept.updated_at = now
    uow.session.add(record)
    record_action(
        uow.session,
        at=now,
        actor_id=user.id,
        action="contact.merged",
        subject_type="contact",
        subject_id=kept.id,
        summary=summary,
        detail={"merged_id": record.merged_id, "merged": record.merged, "moved": moved},
    )
    await uow.session.flush()
    return moved
