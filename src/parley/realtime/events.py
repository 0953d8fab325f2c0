"""The base of every event on `WS /api/v1/events`, and the events of the stream itself.

Each feature declares its own events beside its schemas (`parley.messages.events`,
`parley.interactions.events`, `parley.auth.events`); `parley.events` gathers them into one union
for documentation and tests. Every event has a `type` in `noun.verb` form and carries the resource
it concerns in the shape the REST API returns.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
