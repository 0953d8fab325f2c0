"""Workbin events on `WS /api/v1/events`: an item parked or changed, an item gone."""

from __future__ import annotations

from typing import Literal

from parley.realtime.events import Event
from parley.workbins.schemas import WorkbinItemOut


class WorkbinItemUpdated(Event):
    type: Literal["workbin.item_updated"] = "workbin.item_updated"
    item: WorkbinItemOut


class WorkbinItemRemoved(Event):
    """It left the workbin: `reason` is `opened`, `contact_wrote`, `moved` or `closed`."""

    type: Literal["workbin.item_removed"] = "workbin.item_removed"
    interaction_id: int
    workbin_id: int
    reason: str
