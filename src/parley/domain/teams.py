"""Teams: which shared workbins an agent sees, and which agents a supervisor watches.

A shared workbin that no team uses is everyone's; one that teams use is seen by their members.
An agent in no team sees every shared workbin, as before teams existed, so adding the first
team hides nothing from the agents not yet placed in one.
"""

from __future__ import annotations

from typing import Literal, get_args

Scope = Literal["all", "teams"]
SCOPES: tuple[Scope, ...] = get_args(Scope)


def sees_shared_workbin(user_teams: frozenset[int], workbin_teams: frozenset[int]) -> bool:
    """Whether an agent in `user_teams` sees a shared workbin used by `workbin_teams`."""
    return not user_teams or not workbin_teams or bool(user_teams & workbin_teams)


def limited_to_teams(role: str, scope: str) -> bool:
    """A supervisor whose scope is "teams" watches only the members of their teams; admins and
    "all"-scoped supervisors watch everyone."""
    return role == "supervisor" and scope == "teams"
