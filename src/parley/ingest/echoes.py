"""`smb_message_echoes`: messages the business sent from the WhatsApp Business app.

With coexistence (one number on both the Business app and the Cloud API), Meta echoes each
message typed in the app. Parley stores it as an outbound message with no author and
`content["source"] = "business_app"`, so the agent sees what the customer was already told.
It lands in the contact's open interaction (and counts as an answer there: the pending timer
stops), else in its latest one; a contact never seen gets a session closed at once, so an
echo never puts a conversation in the queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from parley.clock import Clock
from parley.contacts.identities import Identity, load_contacts, resolve
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.interactions.events import InteractionUpdated
from parley.interactions.models import ChatSession, Interaction
from parley.interactions.schemas import InteractionOut
from parley.messages.events import MessageCreated
from parley.messages.models import Message
from parley.messages.previews import preview
from parley.messages.transcript import message_out
from parley.whatsapp.payloads import InboundMessage

SOURCE = "business_app"


async def ingest_echoes(uow: UnitOfWork, clock: Clock, echoes: list[InboundMessage]) -> int:
    """Store the echoes not seen yet; returns how many were stored."""
    wamids = sorted({e.wamid for e in echoes})
    known = set(await uow.session.scalars(select(Message.wamid).where(Message.wamid.in_(wamids))))
    now = clock.now()
    book = await load_contacts(uow, [e.wa_id for e in echoes], [e.bsuid for e in echoes])
    stored = 0
    for echo in sorted(echoes, key=lambda e: e.timestamp):
        if echo.wamid in known:
            continue
        known.add(echo.wamid)
        contact = resolve(book, uow, Identity(wa_id=echo.wa_id, bsuid=echo.bsuid), now)
        await uow.session.flush()
        interaction = await _home(uow, contact, now)
        message = Message(
            session_id=interaction.session_id,
            interaction_id=interaction.id,
            contact_id=contact.id,
            direction="out",
            type=echo.type,
            text=echo.text,
            content={**echo.content, "source": SOURCE},
            wamid=echo.wamid,
            status="sent",
            reply_to_wamid=echo.context_wamid,
            timestamp=echo.timestamp,
            created_at=now,
            raw=echo.raw,
        )
        uow.session.add(message)
        await uow.session.flush()
        stored += 1
        if interaction.state != "done":
            interaction.pending_since = None
            interaction.last_message = preview(message)
            interaction.last_message_at = now
            interaction.updated_at = now
            interaction.version += 1
            uow.emit(
                MessageCreated(message=await message_out(uow, message)), to=interaction.agent_id
            )
            out = InteractionOut.of(interaction, contact)
            uow.emit(InteractionUpdated(interaction=out), to=interaction.agent_id)
    return stored


async def _home(uow: UnitOfWork, contact: Contact, now: datetime) -> Interaction:
    """The contact's open interaction, else its latest, else a new one already done."""
    latest = await uow.session.scalar(
        select(Interaction)
        .where(Interaction.contact_id == contact.id)
        .order_by((Interaction.state != "done").desc(), Interaction.id.desc())
        .limit(1)
    )
    if latest is not None:
        return latest
    session = ChatSession(contact_id=contact.id, origin="outbound", created_at=now, closed_at=now)
    uow.session.add(session)
    await uow.session.flush()
    interaction = Interaction(
        session_id=session.id,
        contact_id=contact.id,
        state="done",
        origin="outbound",
        created_at=now,
        updated_at=now,
        done_at=now,
        unread_count=0,
        version=1,
    )
    uow.session.add(interaction)
    await uow.session.flush()
    return interaction
