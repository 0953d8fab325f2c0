"""Who may do and see what: the three roles, and the policy every feature asks.

Agents handle interactions; supervisors watch and steer the floor; admins also run the system.
"""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["agent", "supervisor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
STAFF: frozenset[Role] = frozenset({"supervisor", "admin"})


def sees_every_interaction(role: str) -> bool:
    """Supervisors and admins see (and receive the events of) every interaction; an agent only
    the ones offered to or held by them."""
    return role in STAFF


def watches_the_floor(role: str) -> bool:
    """Who may read ingest health and replay webhooks: the same staff."""
    return role in STAFF


EVENT_WATCHERS: frozenset[str] = frozenset(STAFF)
"""Roles that receive every interaction, message and agent event besides the agent it is for."""


def runs_the_system(role: str) -> bool:
    """Who manages what every agent uses (the response library, the template list): admins."""
    return role == "admin"


def reads_the_audit_log(role: str) -> bool:
    """Supervisors and admins read the audit log (a supervisor limited to their teams reads
    their teams' entries); agents never."""
    return role in STAFF
