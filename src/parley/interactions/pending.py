"""The pending response, worked out from the transcript: the customer waits while their newest
message is newer than the agent's newest reply (by when the agent wrote it, `composed_at`, for a
reply posted late) that has not failed for good.

`pending_since` is then when the first of those unanswered customer messages was sent (WhatsApp's
time, never after Parley received it). Reactions and system notices ask for no answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from parley.db.uow import UnitOfWork
from parley.interactions.models import Interaction
from parley.interactions.service import publish_interaction
from parley.messages.models import Message

NO_REPLY_NEEDED = ("reaction", "system")


async def last_reply_at(uow: UnitOfWork, interaction_id: int) -> datetime | None:
    """When the agent wrote the newest reply that was not refused by WhatsApp, or None."""
    written = func.coalesce(Message.composed_at, Message.created_at)
    query = select(func.max(written)).where(
        Message.interaction_id == interaction_id,
        Message.direction == "out",
        Message.status != "failed",
        Message.type.not_in(NO_REPLY_NEEDED),
    )
    value: datetime | None = await uow.session.scalar(query)
    return value


async def unanswered_since(uow: UnitOfWork, interaction_id: int) -> datetime | None:
    """When the customer's first unanswered message was sent, or None when all are answered."""
    await uow.session.flush()
    replied = await last_reply_at(uow, interaction_id)
    query = select(func.min(Message.timestamp), func.min(Message.created_at)).where(
        Message.interaction_id == interaction_id,
        Message.direction == "in",
        Message.type.not_in(NO_REPLY_NEEDED),
    )
    if replied is not None:
        query = query.where(Message.created_at > replied)
    sent, received = (await uow.session.execute(query)).one()
    if sent is None or received is None:
        return None
    return min(sent, received)


async def reply_failed(uow: UnitOfWork, interaction_id: int, now: datetime) -> None:
    """A reply failed for good: the customer never got it, so their wait shows again."""
    interaction = await uow.session.get(Interaction, interaction_id)
    if interaction is None or interaction.state == "done":
        return
    since = await unanswered_since(uow, interaction_id)
    if since == interaction.pending_since:
        return
    interaction.pending_since = since
    interaction.updated_at = now
    interaction.version += 1
    await publish_interaction(uow, interaction)
