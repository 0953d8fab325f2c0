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
# How far back the transcript is read: the newest messages decide the wait, and a bounded read
# keeps the send path's cost flat however long the chat grows. A customer who wrote more than
# this many times unanswered is shown waiting since the oldest of these, a little later than true.
RECENT = 200


async def unanswered_since(uow: UnitOfWork, interaction_id: int) -> datetime | None:
    """When the customer's first unanswered message was sent, or None when all are answered."""
    await uow.session.flush()
    rows = (
        await uow.session.execute(
            select(
                Message.direction,
                Message.status,
                func.coalesce(Message.composed_at, Message.created_at),
                Message.created_at,
                Message.timestamp,
            )
            .where(Message.interaction_id == interaction_id, Message.type.not_in(NO_REPLY_NEEDED))
            .order_by(Message.id.desc())
            .limit(RECENT)
        )
    ).all()
    written = [at for way, status, at, _, _ in rows if way == "out" and status != "failed"]
    replied = max(written, default=None)
    waiting = [
        min(sent, received) if sent is not None else received
        for way, _, _, received, sent in rows
        if way == "in" and (replied is None or received > replied)
    ]
    return min(waiting, default=None)


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
