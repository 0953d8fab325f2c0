"""Presence and assignment: queued interactions go to Ready agents with free capacity."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update

from parley.audit.service import record_action
from parley.auth.models import User
from parley.auth.service import announce, set_status
from parley.clock import Clock
from parley.contacts.models import Contact
from parley.contacts.schemas import display_name
from parley.db.uow import UnitOfWork
from parley.domain.interactions import HELD
from parley.domain.presence import MISSED_OFFERS, missed_too_many
from parley.domain.routing import AgentSlot, plan_assignments
from parley.errors import Conflict
from parley.interactions.events import InteractionOffered, InteractionRemoved
from parley.interactions.models import Interaction, InteractionEvent
from parley.interactions.schemas import InteractionOut
from parley.interactions.service import record_history, requeue, transition
from parley.workbins.service import announce_removed, unpark
from parley.workers.wake import Wake

BATCH = 500
# An agent who rejected an interaction is not offered it again for this long: it goes to another
# agent, or waits if nobody else is free. One who let its offer expire is passed over for as
# long, but only while someone else has room (domain.routing.plan_assignments).
DECLINE_COOLDOWN = timedelta(seconds=60)


async def serialise_with_routing(uow: UnitOfWork) -> None:
    """One routing decision at a time across nodes (SQLite's write lock already serialises);
    taken too by what must not race with one (an agent signed out everywhere)."""
    if uow.dialect == "postgresql":
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(7781001)"))


_serialise = serialise_with_routing


async def ready_slots(uow: UnitOfWork, default_capacity: int) -> list[AgentSlot]:
    load = (
        select(Interaction.agent_id, func.count().label("load"))
        .where(Interaction.state.in_(HELD))
        .group_by(Interaction.agent_id)
        .subquery()
    )
    rows = await uow.session.execute(
        select(User.id, User.idle_since, func.coalesce(load.c.load, 0), User.capacity)
        .outerjoin(load, load.c.agent_id == User.id)
        .where(User.status == "ready")
    )
    return [
        AgentSlot(agent_id, idle_since, int(held), capacity or default_capacity)
        for agent_id, idle_since, held, capacity in rows
    ]


async def assign_queued(
    uow: UnitOfWork, clock: Clock, *, default_capacity: int, auto_accept: bool
) -> int:
    """Offer (or, with auto-accept, hand over) queued interactions; returns how many moved."""
    # Most wake-ups (every ingested batch) find nothing queued: one indexed probe, no lock.
    waiting = select(Interaction.id).where(Interaction.state == "queued").limit(1)
    if await uow.session.scalar(waiting) is None:
        return 0
    await _serialise(uow)
    slots = await ready_slots(uow, default_capacity)
    if not slots:
        return 0
    query = (
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.state == "queued")
        .order_by(Interaction.queued_at, Interaction.id)
        .limit(BATCH)
    )
    if uow.dialect == "postgresql":
        # Rows another transaction is changing are left for the next round.
        query = query.with_for_update(of=Interaction, skip_locked=True)
    queued = {i.id: (i, c) for i, c in (await uow.session.execute(query)).all()}
    now = clock.now()
    declined = await _recently_declined(uow, list(queued), now, "rejected")
    missed = await _recently_declined(uow, list(queued), now, "offer_timeout")
    preferred = {
        i.id: i.preferred_agent_id for i, _ in queued.values() if i.preferred_agent_id is not None
    }
    plan = plan_assignments(list(queued), slots, now, declined, preferred, missed)
    target = "active" if auto_accept else "offered"
    history: list[dict[str, Any]] = []
    for interaction_id, agent_id in plan:
        interaction, contact = queued[interaction_id]
        transition(
            uow, interaction, target, now, agent_id=agent_id, reason="routed", history=history
        )
        interaction.agent_id = agent_id
        interaction.offered_at = now
        interaction.accepted_at = now if auto_accept else None
        interaction.preferred_agent_id = None
        out = InteractionOut.of(interaction, contact)
        uow.emit(InteractionOffered(interaction=out), to=agent_id)
    await record_history(uow, history)
    picked = sorted({agent_id for _, agent_id in plan})
    if picked:
        await uow.session.execute(update(User).where(User.id.in_(picked)).values(idle_since=now))
    return len(plan)


async def _recently_declined(
    uow: UnitOfWork, interaction_ids: list[int], now: datetime, reason: str
) -> dict[int, set[int]]:
    """Per interaction, the agents whose offer of it ended for `reason` within the cooldown."""
    declined: dict[int, set[int]] = {}
    if not interaction_ids:
        return declined
    rows = await uow.session.execute(
        select(InteractionEvent.interaction_id, InteractionEvent.agent_id).where(
            InteractionEvent.interaction_id.in_(interaction_ids),
            InteractionEvent.reason == reason,
            InteractionEvent.at > now - DECLINE_COOLDOWN,
        )
    )
    for interaction_id, agent_id in rows:
        if agent_id is not None:
            declined.setdefault(interaction_id, set()).add(agent_id)
    return declined


async def expire_offers(
    uow: UnitOfWork,
    clock: Clock,
    *,
    timeout_seconds: int,
    missed_limit: int = 0,
    capacity: int = 3,
) -> int:
    """Offers nobody answered in time go back to the queue. An agent who let `missed_limit`
    offers expire in a row is set Not Ready ("Missed offers"): they are not at the desk, and
    each further offer would only keep a customer waiting."""
    if timeout_seconds <= 0:
        return 0
    cutoff = clock.now() - timedelta(seconds=timeout_seconds)
    query = select(Interaction).where(
        Interaction.state == "offered", Interaction.offered_at < cutoff
    )
    if uow.dialect == "postgresql":
        # An offer the agent is accepting right now is locked by that request: leave it to them.
        query = query.with_for_update(skip_locked=True)
    stale = list(await uow.session.scalars(query))
    missed: dict[int, int] = {}
    for interaction in stale:
        if interaction.agent_id is not None:
            missed[interaction.agent_id] = missed.get(interaction.agent_id, 0) + 1
        requeue(uow, clock.now(), interaction, reason="offer_timeout")
    for agent_id, count in missed.items():
        await _count_missed(uow, clock, agent_id, count, missed_limit, capacity)
    return len(stale)


async def _count_missed(
    uow: UnitOfWork, clock: Clock, agent_id: int, count: int, limit: int, capacity: int
) -> None:
    agent = await uow.session.get(User, agent_id)
    if agent is None:
        return
    agent.missed_offers += count
    if agent.status == "ready" and missed_too_many(agent.missed_offers, limit):
        set_status(uow, clock, agent, "not_ready", MISSED_OFFERS)
        announce(uow, agent, capacity)


async def move_to_agent(
    uow: UnitOfWork,
    clock: Clock,
    interaction: Interaction,
    agent: User,
    *,
    capacity: int,
    by: User | None = None,
) -> None:
    """A supervisor hands an interaction that is not done to `agent`: offered to them (their
    Accept still counts), within their capacity (409 `at_capacity`), wherever it was."""
    if interaction.state == "done":
        raise Conflict("This interaction is done.", code="interaction_done")
    if agent.role != "agent":
        raise Conflict(f"{agent.name} is a {agent.role}, not an agent.", code="agent_unavailable")
    if agent.status == "logged_out":
        raise Conflict(f"{agent.name} is not logged in to take work.", code="agent_unavailable")
    if interaction.agent_id == agent.id:
        return
    held = await uow.session.scalar(
        select(func.count()).where(Interaction.agent_id == agent.id, Interaction.state.in_(HELD))
    )
    limit = agent.capacity or capacity
    if (held or 0) >= limit:
        raise Conflict(f"{agent.name} already holds {held} of {limit}.", code="at_capacity")
    now = clock.now()
    previous = interaction.agent_id
    if interaction.state == "parked" and interaction.workbin_id is not None:
        await announce_removed(uow, interaction, interaction.workbin_id, "moved")
        unpark(interaction)
    mover = by.id if by is not None else agent.id
    from_state = interaction.state
    transition(uow, interaction, "offered", now, agent_id=mover, reason="moved", note=agent.name)
    interaction.agent_id = agent.id
    interaction.offered_at = now
    interaction.accepted_at = None
    contact = await uow.session.get(Contact, interaction.contact_id)
    assert contact is not None
    who = display_name(contact)
    by_name = by.name if by is not None else None
    if previous is not None:
        removed = InteractionRemoved(
            interaction_id=interaction.id,
            reason="moved",
            notice=f"Chat with {who} moved to {agent.name} by {by_name}" if by_name else None,
        )
        uow.emit(removed, to=previous)
    offered = InteractionOffered(
        interaction=InteractionOut.of(interaction, contact),
        notice=f"Chat with {who} moved to you by {by_name}" if by_name else None,
    )
    uow.emit(offered, to=agent.id)
    uow.wake(Wake.ROUTING)
    if by is not None:
        held_by = await uow.session.get(User, previous) if previous is not None else None
        source = f"from {held_by.name} " if held_by is not None else f"({from_state}) "
        record_action(
            uow.session,
            at=now,
            actor_id=by.id,
            action="interaction.moved",
            subject_type="interaction",
            subject_id=interaction.id,
            summary=f"{by.name} moved {who} {source}to {agent.name}",
            detail={"from_agent_id": previous, "to_agent_id": agent.id, "from_state": from_state},
        )
