"""Workbins: where parked interactions wait, and who may see, park in and open from each.

A personal workbin belongs to one agent ("WhatsApp in progress", the help page's name); a shared
one belongs to the team and every agent sees it. Parked work does not count against capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from parley.domain.teams import sees_shared_workbin

PERSONAL_NAME = "WhatsApp in progress"
Kind = Literal["personal", "shared"]


@dataclass(frozen=True)
class WorkbinAccess:
    """What the rules need of a workbin: its kind and, for a personal one, its owner."""

    kind: Kind
    owner_id: int | None
    # The teams that use a shared workbin (none: everyone's), see `domain.teams`.
    team_ids: frozenset[int] = frozenset()


def can_see(
    workbin: WorkbinAccess, user_id: int, staff: bool, teams: frozenset[int] = frozenset()
) -> bool:
    """Supervisors and admins see every workbin; an agent sees their own and the shared ones of
    their teams (`teams`: the agent's; see `domain.teams.sees_shared_workbin`)."""
    if staff or workbin.owner_id == user_id:
        return True
    return workbin.kind == "shared" and sees_shared_workbin(teams, workbin.team_ids)


def can_park_in(
    workbin: WorkbinAccess, user_id: int, staff: bool, teams: frozenset[int] = frozenset()
) -> bool:
    """An agent parks in their own workbin or a shared one they see; staff anywhere."""
    return can_see(workbin, user_id, staff, teams)


def has_capacity(held: int, capacity: int) -> bool:
    """Whether an agent holding `held` interactions (offered and active) may take one more."""
    return held < capacity


def returned_label(kind: Kind, workbin_name: str, owner_name: str | None) -> str:
    """How the desktop names where an interaction came back from: "Alice Martins's workbin" for a
    personal one, the workbin's own name for a shared one."""
    if kind == "personal" and owner_name:
        return f"{owner_name}'s workbin"
    return workbin_name
