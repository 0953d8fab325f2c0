"""Workbin events on `WS /api/v1/events`: an item parked, changed or gone; a workbin made,
changed or deleted."""

from __future__ import annotations

from typing import Literal

from parley.realtime.events import Event
from parley.workbins.schemas import WorkbinItemOut, WorkbinOut


class WorkbinItemUpdated(Event):
    type: Literal["workbin.item_updated"] = "workbin.item_updated"
    item: WorkbinItemOut


class WorkbinItemRemoved(Event):
    """It left the workbin: `reason` is `opened`, `contact_wrote`, `moved` or `closed`."""

    type: Literal["workbin.item_removed"] = "workbin.item_removed"
    interaction_id: int
    workbin_id: int
    reason: str


class WorkbinUpdated(Event):
    """A shared workbin was made, renamed or described anew (admins)."""

    type: Literal["workbin.updated"] = "workbin.updated"
    workbin: WorkbinOut


class WorkbinRemoved(Event):
    type: Literal["workbin.removed"] = "workbin.removed"
    workbin_id: int
