"""Finding and creating contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork


async def get_or_create_contact(
    uow: UnitOfWork,
    now: datetime,
    *,
    wa_id: str | None,
    user_id: str | None,
    profile_name: str | None,
) -> Contact:
    """The contact for a WhatsApp id (else a business-scoped user id), kept up to date."""
    contact = None
    if wa_id:
        contact = await uow.session.scalar(select(Contact).where(Contact.wa_id == wa_id))
    if contact is None and user_id:
        contact = await uow.session.scalar(select(Contact).where(Contact.user_id == user_id))
    if contact is None:
        contact = Contact(
            wa_id=wa_id, user_id=user_id, profile_name=profile_name, created_at=now, updated_at=now
        )
        uow.session.add(contact)
        await uow.session.flush()
        return contact
    if profile_name and contact.profile_name != profile_name:
        contact.profile_name = profile_name
        contact.updated_at = now
    if user_id and contact.user_id is None:
        contact.user_id = user_id
    if wa_id and contact.wa_id is None:
        contact.wa_id = wa_id
    return contact
