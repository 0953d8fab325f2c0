"""Template events of `WS /api/v1/events`: every desktop hears them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from parley.templates.schemas import TemplateOut


class TemplateUpdated(BaseModel):
    """A template was synced or changed status; the desktop offers it only while `APPROVED`."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["template.updated"] = "template.updated"
    template: TemplateOut
