"""Finding contacts by any of WhatsApp's identities, creating them, following identity changes.

A contact is keyed by its phone number (`wa_id`) when WhatsApp gives one, else by its BSUID.
A customer first seen by BSUID alone and later with a number is the same contact: it gains the
number. Meta: https://developers.facebook.com/docs/whatsapp/cloud-api/business-scoped-user-ids
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from parley.contacts.models import Contact, ContactAlias
from parley.db.bulk import chunked
from parley.db.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Identity:
    """Who wrote, as a webhook says it: any field may be missing."""

    wa_id: str | None = None
    bsuid: str | None = None
    parent_bsuid: str | None = None
    username: str | None = None
    profile_name: str | None = None


@dataclass(slots=True)
class ContactBook:
    """The contacts of one batch, found by number or BSUID; `notes` says what could not be done."""

    by_wa_id: dict[str, Contact] = field(default_factory=dict)
    by_bsuid: dict[str, Contact] = field(default_factory=dict)
    anonymous: Contact | None = None
    notes: list[str] = field(default_factory=list)

    def find(self, wa_id: str | None, bsuid: str | None) -> Contact | None:
        if wa_id and wa_id in self.by_wa_id:
            return self.by_wa_id[wa_id]
        if bsuid and bsuid in self.by_bsuid:
            return self.by_bsuid[bsuid]
        return None

    def add(self, contact: Contact) -> None:
        if contact.wa_id:
            self.by_wa_id[contact.wa_id] = contact
        if contact.bsuid:
            self.by_bsuid[contact.bsuid] = contact


# Built once (hot on ingest: building a statement for every batch cost more than running it).
BY_NUMBERS = select(Contact).where(Contact.wa_id.in_(bindparam("values", expanding=True)))
BY_BSUIDS = select(Contact).where(Contact.bsuid.in_(bindparam("values", expanding=True)))
ALIASES: dict[str, Any] = {  # by the alias column: wa_id, bsuid
    kind: select(column, Contact)
    .join(Contact, Contact.id == ContactAlias.contact_id)
    .where(column.in_(bindparam("values", expanding=True)))
    for kind, column in (("wa_id", ContactAlias.wa_id), ("bsuid", ContactAlias.bsuid))
}


async def load_contacts(
    uow: UnitOfWork, wa_ids: Iterable[str | None], bsuids: Iterable[str | None]
) -> ContactBook:
    """The stored contacts holding any of these numbers or BSUIDs (a few queries per 500)."""
    book = ContactBook()
    numbers = sorted({w for w in wa_ids if w})
    users = sorted({b for b in bsuids if b})
    for chunk in chunked(numbers):
        for contact in await uow.session.scalars(BY_NUMBERS, {"values": chunk}):
            book.add(contact)
    for chunk in chunked(users):
        for contact in await uow.session.scalars(BY_BSUIDS, {"values": chunk}):
            book.add(contact)
    await _load_aliases(uow, book, [n for n in numbers if n not in book.by_wa_id], "wa_id")
    await _load_aliases(uow, book, [u for u in users if u not in book.by_bsuid], "bsuid")
    return book


async def _load_aliases(uow: UnitOfWork, book: ContactBook, values: list[str], kind: str) -> None:
    """The contacts that took in a contact merged away, found by its number or BSUID."""
    index = book.by_wa_id if kind == "wa_id" else book.by_bsuid
    for chunk in chunked(values):
        for value, contact in (await uow.session.execute(ALIASES[kind], {"values": chunk})).all():
            book.add(contact)
            index[value] = contact


def resolve(book: ContactBook, uow: UnitOfWork, who: Identity, now: datetime) -> Contact:
    """The contact of `who`, created if new, completed with any identity it lacked.

    By number first, then by BSUID. A number or BSUID already held by another contact is never
    taken from it (noted in `book.notes`): the stored contacts stay unique, nothing raises.
    """
    contact = book.find(who.wa_id, who.bsuid)
    if contact is None and not who.wa_id and not who.bsuid:
        contact = book.anonymous
    if contact is None:
        contact = Contact(
            wa_id=who.wa_id,
            bsuid=who.bsuid,
            parent_bsuid=who.parent_bsuid,
            username=who.username,
            profile_name=who.profile_name,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(contact)
        if who.wa_id or who.bsuid:
            book.add(contact)
        else:
            book.anonymous = contact
        return contact
    changed = False
    if who.wa_id and contact.wa_id != who.wa_id and contact.wa_id is None:
        changed |= _take_wa_id(book, contact, who.wa_id)
    if who.bsuid and contact.bsuid is None:
        changed |= _take_bsuid(book, contact, who.bsuid)
    for name in ("parent_bsuid", "username", "profile_name"):
        value = getattr(who, name)
        if value and getattr(contact, name) != value:
            setattr(contact, name, value)
            changed = True
    if changed:
        contact.updated_at = now
    return contact


def change_number(book: ContactBook, contact: Contact, new_wa_id: str, now: datetime) -> bool:
    """`user_changed_number`: the contact is now reached at `new_wa_id` (history stays with it)."""
    return _move(book.by_wa_id, book, contact, "wa_id", new_wa_id, "number", now)


def change_bsuid(book: ContactBook, contact: Contact, new_bsuid: str, now: datetime) -> bool:
    """`user_changed_user_id`: the contact's BSUID is now `new_bsuid`."""
    return _move(book.by_bsuid, book, contact, "bsuid", new_bsuid, "user id", now)


def _move(
    index: dict[str, Contact],
    book: ContactBook,
    contact: Contact,
    field: str,
    new: str,
    what: str,
    now: datetime,
) -> bool:
    """Give the contact a new identity of one kind, unless another contact already has it."""
    old = getattr(contact, field)
    if old == new:
        return False
    if not _free(index, contact, new):
        book.notes.append(f"{what} change of contact {contact.id} ignored: {new} is taken")
        return False
    if old and index.get(old) is contact:
        del index[old]
    setattr(contact, field, new)
    index[new] = contact
    contact.updated_at = now
    return True


def _free(index: dict[str, Contact], contact: Contact, value: str) -> bool:
    holder = index.get(value)
    return holder is None or holder is contact


def _take_wa_id(book: ContactBook, contact: Contact, wa_id: str) -> bool:
    if not _free(book.by_wa_id, contact, wa_id):
        book.notes.append(f"contact {contact.id}: number {wa_id} belongs to another contact")
        return False
    contact.wa_id = wa_id
    book.by_wa_id[wa_id] = contact
    return True


def _take_bsuid(book: ContactBook, contact: Contact, bsuid: str) -> bool:
    if not _free(book.by_bsuid, contact, bsuid):
        book.notes.append(f"contact {contact.id}: BSUID {bsuid} belongs to another contact")
        return False
    contact.bsuid = bsuid
    book.by_bsuid[bsuid] = contact
    return True


async def learn_from_status(uow: UnitOfWork, contact_id: int, who: Identity, now: datetime) -> None:
    """A status webhook's `contacts[]` (Meta, 2026) names the BSUID and username of the
    customer a message went to: the contact gains those it lacks (never taking one from
    another contact)."""
    if not (who.bsuid or who.username):
        return  # most statuses name nobody new: no read
    contact = await uow.session.get(Contact, contact_id)
    if contact is None:
        return
    book = await load_contacts(uow, [contact.wa_id], [contact.bsuid, who.bsuid])
    book.add(contact)
    resolve(book, uow, Identity(wa_id=contact.wa_id, bsuid=who.bsuid, username=who.username), now)
