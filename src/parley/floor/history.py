"""Reading interactions' state histories for the figures of a period (see
`parley.domain.service_level` for what each figure means)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select

from parley.db.uow import UnitOfWork
from parley.domain.service_level import InteractionHistory, Transition
from parley.interactions.models import Interaction, InteractionEvent

CHUNK = 500


async def load_histories(
    uow: UnitOfWork, start: datetime, end: datetime
) -> list[InteractionHistory]:
    """Every interaction created in [start, end) or done in it, with its transitions."""
    query = (
        select(Interaction.id, Interaction.origin, Interaction.created_at)
        .where(
            or_(
                (Interaction.created_at >= start) & (Interaction.created_at < end),
                (Interaction.done_at >= start) & (Interaction.done_at < end),
            )
        )
        .order_by(Interaction.id)
    )
    heads = (await uow.session.execute(query)).all()
    steps: dict[int, list[Transition]] = defaultdict(list)
    ids = [row.id for row in heads]
    for at in range(0, len(ids), CHUNK):
        chunk = ids[at : at + CHUNK]
        rows = await uow.session.execute(
            select(
                InteractionEvent.interaction_id,
                InteractionEvent.at,
                InteractionEvent.to_state,
                InteractionEvent.agent_id,
            )
            .where(InteractionEvent.interaction_id.in_(chunk))
            .order_by(InteractionEvent.at, InteractionEvent.id)
        )
        for interaction_id, when, to_state, agent_id in rows:
            steps[interaction_id].append(Transition(at=when, to_state=to_state, agent_id=agent_id))
    return [
        InteractionHistory(
            id=row.id,
            origin=row.origin,
            created_at=row.created_at,
            transitions=tuple(steps.get(row.id, ())),
        )
        for row in heads
    ]
