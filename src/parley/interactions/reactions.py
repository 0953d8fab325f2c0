"""Reactions: the agent reacts to a message, the customer's reactions land on their target.

A reaction is stored as a message row of type `reaction` (it has its own wamid and status),
but a transcript shows it only under its target, in `MessageOut.reactions`: every change to a
target's reactions goes out as `message.updated` for the target, never as an event of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.reactions import can_react_to, is_emoji, with_reaction
from parley.errors import Conflict, Invalid, NotFound
from parley.interactions.models import Interaction, Message
from parley.interactions.service import queue_outbound, require_active, require_window
from parley.interactions.transcript import message_out
from parley.realtime.events import MessageUpdated


async def react_to_message(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    interaction: Interaction,
    message_id: int,
    emoji: str,
) -> Message:
    """Set (or, with an empty emoji, remove) the agent's reaction; returns the target message.

    Setting the reaction the target already has is a no-op, so a repeated PUT sends nothing.
    """
    emoji = emoji.strip()
    if emoji and not is_emoji(emoji):
        raise Invalid("A reaction is one emoji (or empty to remove it).", code="invalid_emoji")
    target = await uow.session.get(Message, message_id)
    if target is None or target.contact_id != interaction.contact_id:
        raise NotFound("No such message in this conversation.", code="message_not_found")
    require_active(user, interaction)
    now = clock.now()
    require_window(interaction, now)
    if not can_react_to(target.type, target.timestamp, now):
        raise Invalid(
            "WhatsApp takes reactions only to messages of the last 30 days, not to reactions "
            "or system messages.",
            code="not_reactable",
        )
    if not target.wamid and target.status == "failed":
        raise Invalid(
            "This message never reached WhatsApp, so it cannot take a reaction.",
            code="message_failed",
        )
    if not target.wamid:
        raise Conflict(
            "This message has not reached WhatsApp yet; react in a moment.",
            code="message_not_sent",
        )
    held = (target.reactions or {}).get("out") or {}
    if held.get("emoji", "") == emoji:
        return target
    reaction = await queue_outbound(
        uow,
        user,
        interaction,
        now,
        type="reaction",
        text=emoji or None,
        content={"message_id": target.wamid, "emoji": emoji, "removed": emoji == ""},
        body={"message_id": target.wamid, "emoji": emoji},
    )
    target.reactions = with_reaction(target.reactions, "out", emoji, now, reaction.id)
    uow.emit(MessageUpdated(message=await message_out(uow, target)), to=user.id)
    return target


async def note_inbound_reactions(
    uow: UnitOfWork, rows: Sequence[tuple[Message, Interaction]]
) -> None:
    """Put newly stored customer reactions on their targets and announce the changed targets.

    A reaction to a message Parley never stored (sent from elsewhere) stays only as its row.
    """
    reactions = [(m, i) for m, i in rows if m.type == "reaction" and m.direction == "in"]
    wamids = sorted({str(m.content.get("message_id")) for m, _ in reactions})
    if not wamids:
        return
    found = await uow.session.scalars(select(Message).where(Message.wamid.in_(wamids)))
    targets = {t.wamid: t for t in found}
    changed: dict[int, tuple[Message, Interaction]] = {}
    for reaction, interaction in reactions:
        target = targets.get(str(reaction.content.get("message_id")))
        if target is None or target.contact_id != reaction.contact_id:
            continue
        emoji = str(reaction.content.get("emoji") or "")
        updated = with_reaction(target.reactions, "in", emoji, reaction.timestamp, reaction.id)
        if updated is not None:
            target.reactions = updated
            changed[target.id] = (target, interaction)
    for target, interaction in changed.values():
        uow.emit(MessageUpdated(message=await message_out(uow, target)), to=interaction.agent_id)


async def attach_early_reactions(
    uow: UnitOfWork, rows: Sequence[tuple[Message, Interaction]]
) -> None:
    """Customer reactions stored before the message they react to (webhooks come in any order,
    and a reaction can follow its message within a second) go on it now that it is here.

    `rows` are the messages of this batch, before they are announced, so their
    `message.created` already carries the reactions.
    """
    fresh = {
        m.wamid: m
        for m, _ in rows
        if m.wamid and m.type not in ("reaction", "system", "edit", "revoke")
    }
    if not fresh:
        return
    early = await uow.session.scalars(
        select(Message)
        .where(
            Message.type == "reaction",
            Message.direction == "in",
            Message.contact_id.in_(sorted({m.contact_id for m in fresh.values()})),
            Message.content["message_id"].as_string().in_(sorted(fresh)),
        )
        .order_by(Message.timestamp, Message.id)
    )
    changed: dict[int, Message] = {}
    for reaction in early:
        target = fresh[str(reaction.content.get("message_id"))]
        if target.contact_id != reaction.contact_id:
            continue
        emoji = str(reaction.content.get("emoji") or "")
        updated = with_reaction(target.reactions, "in", emoji, reaction.timestamp, reaction.id)
        if updated is not None:
            target.reactions = updated
            changed[target.id] = target
    for target in changed.values():
        await uow.session.execute(
            update(Message).where(Message.id == target.id).values(reactions=target.reactions)
        )


async def reaction_status_changed(uow: UnitOfWork, reaction: Message, agent_id: int | None) -> None:
    """A sent reaction that WhatsApp refused no longer shows on its target."""
    if reaction.status != "failed" or reaction.direction != "out":
        return
    target = await uow.session.scalar(
        select(Message).where(Message.wamid == str(reaction.content.get("message_id")))
    )
    held = (target.reactions or {}) if target is not None else {}
    if target is None or (held.get("out") or {}).get("message_id") != reaction.id:
        return  # a newer reaction replaced it already
    target.reactions = {side: entry for side, entry in held.items() if side != "out"}
    uow.emit(MessageUpdated(message=await message_out(uow, target)), to=agent_id)
