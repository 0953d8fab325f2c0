"""Which agents a supervisor's floor shows: the supervisor's scope, from `parley.teams`.

Every floor and report query takes `agents: frozenset[int] | None` (None = every agent): admins
and supervisors whose scope is "all" see everyone, a supervisor limited to their teams sees
their teams' members.
"""

from __future__ import annotations

from parley.auth.models import User
from parley.db.uow import UnitOfWork
from parley.teams import service as teams

AgentScope = frozenset[int] | None


async def visible_agent_ids(uow: UnitOfWork, user: User) -> AgentScope:
    """The agent ids `user` may see on the floor and in reports; None for all of them."""
    return await teams.visible_agent_ids(uow.session, user)


def in_scope(scope: AgentScope, agent_id: int | None) -> bool:
    return scope is None or (agent_id is not None and agent_id in scope)
