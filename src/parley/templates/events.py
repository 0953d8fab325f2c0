"""Template events of `WS /api/v1/events`: every desktop hears them."""

from __future__ import annotations

from typing import Literal

from parley.realtime.events import Event
from parley.templates.schemas import TemplateOut


class TemplateUpdated(Event):
    """A template was synced or changed status; the desktop offers it only while `APPROVED`."""

    type: Literal["template.updated"] = "template.updated"
    template: TemplateOut
