"""Presence and assignment: queued interactions go to Ready agents with free capacity."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text, update

from parley.auth.models import User
from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.interactions import HELD
from parley.domain.routing import AgentSlot, plan_assignments
from parley.interactions.models import Interaction, InteractionEvent
from parley.interactions.service import publish_interaction, requeue

BATCH = 500


async def _serialise(uow: UnitOfWork) -> None:
    # One routing decision at a time across nodes; SQLite's write lock already serialises.
    if uow.dialect == "postgresql":
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(7781001)"))


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
    await _serialise(uow)
    queued = list(
        await uow.session.scalars(
            select(Interaction.id)
            .where(Interaction.state == "queued")
            .order_by(Interaction.queued_at, Interaction.id)
            .limit(BATCH)
        )
    )
    if not queued:
        return 0
    now = clock.now()
    plan = plan_assignments(queued, await ready_slots(uow, default_capacity), now)
    target = "active" if auto_accept else "offered"
    moved = 0
    for interaction_id, agent_id in plan:
        # The state guard makes a double assignment impossible even if two routers raced.
        result = await uow.session.execute(
            update(Interaction)
            .where(Interaction.id == interaction_id, Interaction.state == "queued")
            .values(
                state=target,
                agent_id=agent_id,
                offered_at=now,
                accepted_at=now if auto_accept else None,
                updated_at=now,
                version=Interaction.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue
        moved += 1
        uow.session.add(
            InteractionEvent(
                interaction_id=interaction_id,
                from_state="queued",
                to_state=target,
                agent_id=agent_id,
                reason="routed",
                at=now,
            )
        )
        await uow.session.execute(update(User).where(User.id == agent_id).values(idle_since=now))
        interaction = await uow.session.get(Interaction, interaction_id, populate_existing=True)
        assert interaction is not None
        await publish_interaction(uow, interaction, offered=True)
    return moved


async def expire_offers(uow: UnitOfWork, clock: Clock, *, timeout_seconds: int) -> int:
    """Offers nobody answered in time go back to the queue."""
    if timeout_seconds <= 0:
        return 0
    cutoff = clock.now() - timedelta(seconds=timeout_seconds)
    stale = list(
        await uow.session.scalars(
            select(Interaction).where(
                Interaction.state == "offered", Interaction.offered_at < cutoff
            )
        )
    )
    for interaction in stale:
        requeue(uow, clock.now(), interaction, reason="offer_timeout")
    return len(stale)
