"""The floor now, read from the database: queue, agents, workbins and the figures of a period.

Everything comes from tables every node shares, so any node answers the same.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from parley.auth.models import User
from parley.contacts.models import Contact
from parley.db.uow import UnitOfWork
from parley.domain import service_level as sl
from parley.domain import workbins as rules
from parley.domain.interactions import HELD
from parley.floor.cache import FiguresCache
from parley.floor.history import load_histories
from parley.floor.schemas import (
    FiguresOut,
    FloorAgentOut,
    FloorOut,
    FloorWorkbinOut,
    IntervalOut,
)
from parley.floor.scope import AgentScope, in_scope
from parley.interactions.models import Interaction, InteractionEvent
from parley.interactions.schemas import InteractionOut
from parley.workbins.models import Workbin
from parley.workbins.service import parked_counts

DAY = timedelta(days=1)


DayFigures = tuple[sl.ServiceFigures, list[sl.Interval]]


async def day_figures(uow: UnitOfWork, since: datetime, threshold_seconds: int) -> DayFigures:
    """The figures of [since, since + 1 day) and its 15-minute slices (each history read once)."""
    until = since + DAY
    outcomes = [sl.outcome(h) for h in await load_histories(uow, since, until)]
    figures = sl.figures_of(outcomes, start=since, end=until, threshold_seconds=threshold_seconds)
    slices = sl.intervals_of(
        outcomes,
        start=since,
        end=until,
        minutes=sl.INTERVAL_MINUTES,
        threshold_seconds=threshold_seconds,
    )
    return figures, slices


async def floor_snapshot(
    uow: UnitOfWork,
    now: datetime,
    *,
    since: datetime,
    capacity: int,
    threshold_seconds: int,
    agents: AgentScope = None,
    cache: FiguresCache[DayFigures] | None = None,
) -> FloorOut:
    """The floor at `now`, with the figures and 15-minute intervals of [since, since + 1 day)
    (from `cache` when it holds them, at most its TTL old)."""
    until = since + DAY
    live = await _live_interactions(uow, agents)
    queue = [i for i in live if i.state in ("queued", "offered")]
    queue.sort(
        key=lambda i: sl.current_wait_seconds(now, i.pending_since, i.queued_at), reverse=True
    )
    if cache is None:
        figures, slices = await day_figures(uow, since, threshold_seconds)
    else:
        figures, slices = await cache.get(
            (since, threshold_seconds, *await _watermark(uow)),
            time.monotonic(),
            lambda: day_figures(uow, since, threshold_seconds),
        )
    return FloorOut(
        now=now,
        since=since,
        until=until,
        service_level_seconds=threshold_seconds,
        interval_minutes=sl.INTERVAL_MINUTES,
        queue=queue,
        held=[i for i in live if i.state == "active"],
        agents=await floor_agents(uow, capacity, agents),
        workbins=await floor_workbins(uow, agents),
        figures=FiguresOut.of(figures),
        intervals=[IntervalOut.of_interval(s) for s in slices],
    )


async def _watermark(uow: UnitOfWork) -> tuple[int | None, int | None]:
    """The newest interaction and state change: the day's history changed when either did."""
    newest = await uow.session.execute(
        select(
            select(func.max(Interaction.id)).scalar_subquery(),
            select(func.max(InteractionEvent.id)).scalar_subquery(),
        )
    )
    interaction_id, event_id = newest.one()
    return interaction_id, event_id


async def _live_interactions(uow: UnitOfWork, agents: AgentScope) -> list[InteractionOut]:
    """Queued ones (nobody's yet: every scope sees them) and those an agent in scope holds."""
    rows = await uow.session.execute(
        select(Interaction, Contact)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Interaction.state.in_(("queued", "offered", "active")))
        .order_by(Interaction.id)
    )
    return [
        InteractionOut.of(i, c)
        for i, c in rows.all()
        if i.state == "queued" or in_scope(agents, i.agent_id)
    ]


async def floor_agents(
    uow: UnitOfWork, capacity: int, agents: AgentScope = None
) -> list[FloorAgentOut]:
    """Every agent in scope with what they hold; logged-out agents last, then by name."""
    load = (
        select(
            Interaction.agent_id,
            func.count().label("held"),
            func.min(Interaction.pending_since).label("oldest"),
        )
        .where(Interaction.state.in_(HELD))
        .group_by(Interaction.agent_id)
        .subquery()
    )
    query = (
        select(User, func.coalesce(load.c.held, 0), load.c.oldest)
        .outerjoin(load, load.c.agent_id == User.id)
        .where(User.role == "agent", User.active.is_(True))  # a deactivated agent has left
    )
    if agents is not None:
        query = query.where(User.id.in_(sorted(agents)))
    rows = (await uow.session.execute(query)).all()
    found = [
        FloorAgentOut(
            id=user.id,
            name=user.name,
            username=user.username,
            status=user.status,
            status_reason=user.status_reason,
            status_since=user.status_since,
            capacity=user.capacity or capacity,
            held=int(held),
            oldest_pending_since=oldest,
        )
        for user, held, oldest in rows
    ]
    found.sort(key=lambda a: (a.status == "logged_out", a.name.casefold(), a.id))
    return found


async def floor_workbins(uow: UnitOfWork, agents: AgentScope = None) -> list[FloorWorkbinOut]:
    """Shared workbins, then the personal ones of agents in scope, with items and the oldest."""
    counts = parked_counts()
    rows = await uow.session.execute(
        select(Workbin, User.name, counts.c.n, counts.c.oldest)
        .outerjoin(User, User.id == Workbin.owner_id)
        .outerjoin(counts, counts.c.workbin_id == Workbin.id)
        .order_by(Workbin.kind.desc(), Workbin.name, User.name)
    )
    found: list[FloorWorkbinOut] = []
    for workbin, owner, n, oldest in rows.all():
        kind: rules.Kind = "personal" if workbin.kind == "personal" else "shared"
        if kind == "personal" and not in_scope(agents, workbin.owner_id):
            continue
        found.append(
            FloorWorkbinOut(
                id=workbin.id,
                name=rules.returned_label(kind, workbin.name, owner),
                kind=kind,
                owner_id=workbin.owner_id,
                item_count=n or 0,
                oldest_parked_at=oldest,
            )
        )
    return found
