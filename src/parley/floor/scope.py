"""Which agents a supervisor's floor shows: the seam where team scoping plugs in.

Every floor and report query takes `agents: frozenset[int] | None` (None = every agent). Today
everyone who watches the floor sees every agent; once teams exist, `visible_agent_ids` returns
the agents of the supervisor's teams (admins keep None).
"""

from __future__ import annotations

from parley.auth.models import User
from parley.db.uow import UnitOfWork

AgentScope = frozenset[int] | None


async def visible_agent_ids(uow: UnitOfWork, user: User) -> AgentScope:
    """The agent ids `user` may see on the floor and in reports; None for all of them."""
    del uow, user  # teams: look up the user's teams' members here
    return None


def in_scope(scope: AgentScope, agent_id: int | None) -> bool:
    return scope is None or (agent_id is not None and agent_id in scope)
