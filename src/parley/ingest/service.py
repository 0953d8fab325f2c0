"""Turn parsed webhooks into contacts, sessions, interactions, messages and statuses.

Idempotent on the WhatsApp message id: a retried or duplicated webhook changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from parley.clock import Clock
from parley.contacts.models import Contact
from parley.contacts.service import get_or_create_contact
from parley.db.uow import UnitOfWork
from parley.ingest.statuses import apply_status_update
from parley.interactions.models import ChatSession, Interaction, Message
from parley.interactions.service import message_out, preview, publish_interaction, transition
from parley.realtime.events import MessageCreated
from parley.whatsapp.payloads import InboundMessage, WebhookBatch

# Messages that need no answer from the agent: they never start the pending response timer.
NO_REPLY_NEEDED = frozenset({"reaction", "system"})


async def ingest_batch(uow: UnitOfWork, clock: Clock, batch: WebhookBatch) -> int:
    """Store every message and status of one webhook; returns how many messages were new."""
    created = 0
    for message in sorted(batch.messages, key=lambda m: m.timestamp):
        created += await ingest_message(uow, clock, message)
    for status in batch.statuses:
        await apply_status_update(uow, clock, status)
    return created


async def ingest_message(uow: UnitOfWork, clock: Clock, inbound: InboundMessage) -> bool:
    known = await uow.session.scalar(select(Message.id).where(Message.wamid == inbound.wamid))
    if known is not None:
        return False
    now = clock.now()
    contact = await get_or_create_contact(
        uow, now, wa_id=inbound.wa_id, user_id=inbound.user_id, profile_name=inbound.profile_name
    )
    interaction = await _open_interaction(uow, contact, now)
    message = Message(
        session_id=interaction.session_id,
        interaction_id=interaction.id,
        contact_id=contact.id,
        direction="in",
        type=inbound.type,
        text=inbound.text,
        content=dict(inbound.content),
        wamid=inbound.wamid,
        status="received",
        reply_to_wamid=inbound.context_wamid,
        timestamp=inbound.timestamp,
        created_at=now,
        raw=inbound.raw,
    )
    uow.session.add(message)
    await uow.session.flush()
    _note_inbound(interaction, message, now)
    if interaction.state == "parked":
        # The contact wrote again: the interaction leaves its workbin for an available agent.
        transition(uow, interaction, "queued", now, agent_id=None, reason="contact_wrote")
        interaction.agent_id = None
        interaction.queued_at = now
    if interaction.agent_id is not None:
        uow.emit(MessageCreated(message=await message_out(uow, message)), to=interaction.agent_id)
    await publish_interaction(uow, interaction)
    return True


def _note_inbound(interaction: Interaction, message: Message, now: datetime) -> None:
    if message.type not in NO_REPLY_NEEDED:
        if interaction.pending_since is None or message.timestamp < interaction.pending_since:
            interaction.pending_since = message.timestamp
        interaction.unread_count += 1
    if interaction.last_inbound_at is None or message.timestamp > interaction.last_inbound_at:
        interaction.last_inbound_at = message.timestamp
    interaction.last_message_at = now
    interaction.last_message = preview(message)
    interaction.updated_at = now
    interaction.version += 1


async def _open_interaction(uow: UnitOfWork, contact: Contact, now: datetime) -> Interaction:
    interaction = await uow.session.scalar(
        select(Interaction).where(Interaction.contact_id == contact.id, Interaction.state != "done")
    )
    if interaction is not None:
        return interaction
    session = ChatSession(contact_id=contact.id, origin="inbound", created_at=now)
    uow.session.add(session)
    await uow.session.flush()
    interaction = Interaction(
        session_id=session.id,
        contact_id=contact.id,
        state="queued",
        origin="inbound",
        created_at=now,
        updated_at=now,
        queued_at=now,
        unread_count=0,
        version=1,
    )
    uow.session.add(interaction)
    await uow.session.flush()
    return interaction
