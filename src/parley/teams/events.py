"""Team events on `WS /api/v1/events`: desktops ask again which shared workbins they see."""

from __future__ import annotations

from typing import Literal

from parley.realtime.events import Event
from parley.teams.schemas import TeamOut


class TeamUpdated(Event):
    """A team was made or changed (admins): its members, its shared workbins."""

    type: Literal["team.updated"] = "team.updated"
    team: TeamOut


class TeamRemoved(Event):
    type: Literal["team.removed"] = "team.removed"
    team_id: int
