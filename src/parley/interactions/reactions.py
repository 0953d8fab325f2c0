"""The agent reacts to a message (the customer's reactions are `parley.messages.reactions`)."""

from __future__ import annotations

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.reactions import can_react_to, is_emoji, with_reaction
from parley.errors import Conflict, Invalid, NotFound
from parley.interactions.models import Interaction
from parley.interactions.sending import queue_to_contact, require_window
from parley.interactions.service import require_active
from parley.messages.content import ReactionContent
from parley.messages.events import MessageUpdated
from parley.messages.models import Message
from parley.messages.transcript import message_out


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
    reaction = await queue_to_contact(
        uow,
        user,
        interaction,
        ReactionContent(message_id=target.wamid, emoji=emoji),
        now,
        shown={"message_id": target.wamid, "emoji": emoji, "removed": emoji == ""},
    )
    target.reactions = with_reaction(target.reactions, "out", emoji, now, reaction.id)
    uow.emit(MessageUpdated(message=await message_out(uow, target)), to=user.id)
    return target
