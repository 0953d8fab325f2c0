"""The code lists' event on `WS /api/v1/events`: what agents may now pick."""

from __future__ import annotations

from typing import Literal

from parley.realtime.events import Event


class CodesUpdated(Event):
    """A list changed (admins): `labels` are its active codes in order, as `GET /config` gives
    them under `dispositions` or `not_ready_reasons`."""

    type: Literal["codes.updated"] = "codes.updated"
    kind: Literal["disposition", "not_ready_reason"]
    labels: list[str]
