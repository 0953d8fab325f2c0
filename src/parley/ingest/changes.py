"""Customer edits and deletions (`edit`, `revoke` messages) applied to the messages they change.

The change itself is stored as a hidden row (its wamid makes a retried webhook a no-op); the
original message is updated in place (`domain.edits`) and announced with `message.updated`.
No new bubble, no unread count, no pending timer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import func, select

from parley.db.uow import UnitOfWork
from parley.domain.edits import already_applied, apply_edit, apply_revoke
from parley.interactions.models import Interaction
from parley.messages.events import MessageUpdated
from parley.messages.models import Message
from parley.messages.previews import preview
from parley.messages.queries import BY_WAMIDS
from parley.messages.transcript import HIDDEN_TYPES, message_out
from parley.whatsapp.payloads import InboundMessage

CHANGE_TYPES = frozenset({"edit", "revoke"})


def target_wamid(message: InboundMessage | Message) -> str | None:
    value = message.content.get("original_wamid")
    return value if isinstance(value, str) and value else None


async def known_targets(uow: UnitOfWork, wamids: Sequence[str]) -> dict[str, Message]:
    """The stored messages these edits and deletions are about, by wamid."""
    if not wamids:
        return {}
    found = await uow.session.scalars(BY_WAMIDS, {"wamids": sorted(wamids)})
    return {m.wamid: m for m in found if m.wamid}


def as_standalone(message: InboundMessage) -> InboundMessage:
    """An edit of a message Parley never stored: shown as a message of its own, marked edited,
    so the customer's words are not lost."""
    inner = message.content.get("content")
    content = {**(inner if isinstance(inner, dict) else {}), "edited": True}
    content["original_wamid"] = target_wamid(message)
    kind = message.content.get("type")
    return replace(message, type=kind if isinstance(kind, str) else "text", content=content)


async def apply_changes(uow: UnitOfWork, changes: Sequence[Message]) -> list[Interaction]:
    """Apply stored `edit`/`revoke` rows, oldest first; returns the interactions whose list
    preview changed (the edited message was their last one)."""
    targets = await known_targets(uow, [w for c in changes if (w := target_wamid(c))])
    touched: dict[int, Interaction] = {}
    for change in sorted(changes, key=lambda c: (c.timestamp, c.id)):
        target = targets.get(target_wamid(change) or "")
        if target is None or target.contact_id != change.contact_id or target.direction != "in":
            continue
        if already_applied(target.content, change.wamid or ""):
            continue
        if change.type == "edit" and target.content.get("deleted"):
            continue  # the customer deleted it: a late edit must not bring words back
        if change.type == "edit":
            inner = change.content.get("content")
            target.text, target.content = apply_edit(
                target.text,
                target.content,
                change.text,
                inner if isinstance(inner, dict) else {},
                change.timestamp,
                change.wamid or "",
            )
        else:
            target.text, target.content = apply_revoke(
                target.text, target.content, change.timestamp, change.wamid or ""
            )
        interaction = await uow.session.get(Interaction, target.interaction_id)
        agent = interaction.agent_id if interaction is not None else None
        uow.emit(MessageUpdated(message=await message_out(uow, target)), to=agent)
        if interaction is not None and await _is_last(uow, target):
            interaction.last_message = preview(target)
            interaction.version += 1
            touched[interaction.id] = interaction
    return list(touched.values())


async def _is_last(uow: UnitOfWork, message: Message) -> bool:
    newest = await uow.session.scalar(
        select(func.max(Message.id)).where(
            Message.interaction_id == message.interaction_id,
            Message.type.not_in(HIDDEN_TYPES),
        )
    )
    return newest == message.id
