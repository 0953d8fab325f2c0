"""Who hears about a message: the agent holding its interaction (and, through the unit of work,
supervisors).

The `interactions` package sits above `messages`, so its table is named here by its columns only:
one read of the interaction's holder, with no import of the feature that owns it.
"""

from __future__ import annotations

from sqlalchemy import column, select, table

from parley.db.uow import UnitOfWork

_interactions = table("interactions", column("id"), column("agent_id"))


async def holder_of(uow: UnitOfWork, interaction_id: int) -> int | None:
    """The agent id of the interaction's holder, or None while it is queued or parked."""
    query = select(_interactions.c.agent_id).where(_interactions.c.id == interaction_id)
    value = await uow.session.scalar(query)
    return int(value) if value is not None else None


async def holders_of(uow: UnitOfWork, interaction_ids: set[int]) -> dict[int, int | None]:
    """`holder_of` for many interactions, with one read."""
    if not interaction_ids:
        return {}
    query = select(_interactions.c.id, _interactions.c.agent_id)
    rows = await uow.session.execute(query.where(_interactions.c.id.in_(sorted(interaction_ids))))
    return {int(id_): int(agent) if agent is not None else None for id_, agent in rows}
