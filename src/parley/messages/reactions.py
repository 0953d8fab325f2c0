"""Customer reactions and the fate of the agent's: where a reaction shows.

A reaction is stored as a message row of type `reaction` (it has its own wamid and status), but a
transcript shows it only under its target, in `MessageOut.reactions`: every change to a target's
reactions goes out as `message.updated` for the target, never as an event of its own. Rows are
given with the agent who holds their interaction (`(message, agent_id)`), who hears of changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update

from parley.db.bulk import chunked
from parley.db.uow import UnitOfWork
from parley.domain.reactions import with_reaction
from parley.messages.events import MessageUpdated
from parley.messages.models import Message
from parley.messages.queries import BY_WAMIDS
from parley.messages.transcript import message_out

Held = Sequence[tuple[Message, int | None]]  # a message and the agent holding its interaction
# Built once: it runs on every ingest batch (as `queries.BY_WAMIDS` does).
EARLY_REACTIONS = (
    select(Message)
    .where(
        Message.reacts_to_wamid.in_(bindparam("wamids", expanding=True)),
        Message.type == "reaction",
        Message.direction == "in",
    )
    .order_by(Message.timestamp, Message.id)
)


async def note_inbound_reactions(uow: UnitOfWork, rows: Held) -> None:
    """Put newly stored customer reactions on their targets and announce the changed targets.

    A reaction to a message Parley never stored (sent from elsewhere) stays only as its row.
    """
    reactions = [(m, i) for m, i in rows if m.type == "reaction" and m.direction == "in"]
    wamids = sorted({str(m.content.get("message_id")) for m, _ in reactions})
    if not wamids:
        return
    targets: dict[str | None, Message] = {}
    for chunk in chunked(wamids):
        targets.update(
            (t.wamid, t) for t in await uow.session.scalars(BY_WAMIDS, {"wamids": chunk})
        )
    changed: dict[int, tuple[Message, int | None]] = {}
    for reaction, agent_id in reactions:
        target = targets.get(str(reaction.content.get("message_id")))
        if target is None or target.contact_id != reaction.contact_id:
            continue
        emoji = str(reaction.content.get("emoji") or "")
        updated = with_reaction(target.reactions, "in", emoji, reaction.timestamp, reaction.id)
        if updated is not None:
            target.reactions = updated
            changed[target.id] = (target, agent_id)
    for target, holder in changed.values():
        uow.emit(MessageUpdated(message=await message_out(uow, target)), to=holder)


async def attach_early_reactions(uow: UnitOfWork, rows: Held) -> None:
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
    early: list[Message] = []
    for chunk in chunked(sorted(fresh)):
        early.extend(await uow.session.scalars(EARLY_REACTIONS, {"wamids": chunk}))
    early.sort(key=lambda reaction: (reaction.timestamp, reaction.id))  # the order they came in
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
