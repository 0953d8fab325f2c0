"""The floor's live gauges at /metrics, read from the database at scrape time.

Read at scrape rather than counted from events: the database is the one truth every node
shares, so each node reports the same whole-floor value (a dashboard takes any node's, or
`max`), with no drift after a node restarts or misses an event. Three indexed queries per scrape.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.domain.service_level import current_wait_seconds
from parley.interactions.models import Interaction
from parley.metrics import Metrics

AGENT_STATES = ("ready", "not_ready", "logged_out")
WAITING = ("queued", "offered")


async def export_floor(uow: UnitOfWork, metrics: Metrics, now: datetime) -> None:
    depth = await uow.session.scalar(select(func.count()).where(Interaction.state.in_(WAITING)))
    oldest = (
        await uow.session.execute(
            select(func.min(func.coalesce(Interaction.pending_since, Interaction.queued_at))).where(
                Interaction.state.in_(WAITING)
            )
        )
    ).scalar()
    metrics.queue_depth.set(depth or 0)
    metrics.queue_longest_wait.set(current_wait_seconds(now, oldest, None) if oldest else 0)
    counts = dict(
        (
            await uow.session.execute(
                select(User.status, func.count()).where(User.role == "agent").group_by(User.status)
            )
        ).all()
    )
    for state in AGENT_STATES:
        metrics.agents_by_state.labels(state=state).set(counts.get(state, 0))
