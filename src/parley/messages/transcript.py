"""The contact's transcript: messages across sessions, paged by message id, as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.errors import Invalid
from parley.messages.models import Message
from parley.messages.schemas import MessageOut

# Reactions show under the message they react to (MessageOut.reactions), edits and deletions
# on the message they change (its content's `edited`/`deleted`), not as lines of their own.
HIDDEN_TYPES = ("reaction", "edit", "revoke")


async def message_out(uow: UnitOfWork, message: Message) -> MessageOut:
    [out] = await messages_out(uow, [message])
    return out


async def messages_out(uow: UnitOfWork, messages: Sequence[Message]) -> list[MessageOut]:
    """API shapes for `messages`, with quoted messages and authors loaded in two queries."""
    wamids = sorted({m.reply_to_wamid for m in messages if m.reply_to_wamid})
    quoted: dict[str, Message] = {}
    if wamids:
        found = await uow.session.scalars(select(Message).where(Message.wamid.in_(wamids)))
        quoted = {m.wamid: m for m in found if m.wamid}
    author_ids = sorted({m.author_id for m in messages if m.author_id is not None})
    names: dict[int, str] = {}
    if author_ids:
        rows = await uow.session.execute(select(User.id, User.name).where(User.id.in_(author_ids)))
        names = {user_id: name for user_id, name in rows.all()}
    return [
        MessageOut.of(
            m,
            quoted.get(m.reply_to_wamid or ""),
            names.get(m.author_id) if m.author_id is not None else None,
        )
        for m in messages
    ]


async def list_messages(
    uow: UnitOfWork,
    contact_id: int,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
    interaction_id: int | None = None,
) -> tuple[list[MessageOut], bool]:
    """A page of contact `contact_id`'s transcript across all its sessions, returned oldest first
    (only interaction `interaction_id`'s messages when given: a past interaction's transcript).

    Without `after`: the newest messages (older than `before`), `has_more` meaning older ones
    exist. With `after`: the oldest messages newer than it, `has_more` meaning newer ones exist.
    Message ids grow in commit order per contact, so `after=<last id seen>` never skips one.
    """
    if before is not None and after is not None:
        raise Invalid("Page with either before or after, not both.", code="before_and_after")
    query = select(Message).where(
        Message.contact_id == contact_id, Message.type.not_in(HIDDEN_TYPES)
    )
    if interaction_id is not None:
        query = query.where(Message.interaction_id == interaction_id)
    if after is not None:
        query = query.where(Message.id > after).order_by(Message.id)
    else:
        if before is not None:
            query = query.where(Message.id < before)
        query = query.order_by(Message.id.desc())
    rows = list(await uow.session.scalars(query.limit(limit + 1)))
    has_more = len(rows) > limit
    page = rows[:limit] if after is not None else rows[:limit][::-1]
    return await messages_out(uow, page), has_more
