"""Floor and report shapes of the public API. Seconds are numbers (floats); rates are 0..1."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.domain.service_level import AgentFigures, Interval, ServiceFigures
from parley.fields import Text
from parley.interactions.schemas import InteractionOut


class FiguresOut(BaseModel):
    """The service figures of a period, as `docs/floor.md` defines them."""

    offered: int = Field(description="Inbound interactions created in the period.")
    answered: int = Field(description="Offered ones an agent joined (Accept, auto-accept, Open).")
    abandoned: int = Field(description="Offered ones that ended before any agent joined them.")
    waiting: int = Field(description="Offered ones neither answered nor abandoned yet.")
    answered_within: int = Field(description="Answered within the service-level threshold.")
    service_level: float | None = Field(
        description="answered_within / (answered + abandoned), 0..1; null with no outcome yet."
    )
    average_wait_seconds: float | None = Field(description="Mean wait of answered interactions.")
    p90_wait_seconds: float | None = Field(description="Nearest-rank 90th percentile wait.")
    handled: int = Field(description="Interactions done in the period with some active time.")
    average_handle_seconds: float | None = Field(
        description="Mean active time of handled interactions (parked time left out)."
    )

    @classmethod
    def of(cls, figures: ServiceFigures) -> FiguresOut:
        return cls(**asdict(figures))


class IntervalOut(FiguresOut):
    start: datetime
    end: datetime

    @classmethod
    def of_interval(cls, interval: Interval) -> IntervalOut:
        return cls(start=interval.start, end=interval.end, **asdict(interval.figures))


class FloorAgentOut(BaseModel):
    id: int
    name: str
    username: str
    status: str = Field(description='"ready", "not_ready" or "logged_out"')
    status_reason: str | None
    status_since: datetime
    capacity: int
    held: int = Field(description="Interactions offered to or active with the agent.")
    oldest_pending_since: datetime | None = Field(
        description="The oldest unanswered customer message among what the agent holds."
    )


class FloorWorkbinOut(BaseModel):
    id: int
    name: str = Field(description='Shared: its name; personal: "Alice Martins\'s workbin".')
    kind: str
    owner_id: int | None
    item_count: int
    oldest_parked_at: datetime | None


class FloorOut(BaseModel):
    """The floor now: `queue` (queued or offered, the customer's wait oldest first), `held`
    (active with an agent), agents, workbins, and the figures since `since`."""

    now: datetime
    since: datetime
    until: datetime
    service_level_seconds: int
    interval_minutes: int
    queue: list[InteractionOut]
    held: list[InteractionOut]
    agents: list[FloorAgentOut]
    workbins: list[FloorWorkbinOut]
    figures: FiguresOut
    intervals: list[IntervalOut]


class AgentStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not_ready"]
    reason: Text | None = Field(default=None, max_length=100)


class ServiceLevelReport(FiguresOut):
    start: datetime = Field(alias="from", serialization_alias="from")
    end: datetime = Field(alias="to", serialization_alias="to")
    service_level_seconds: int

    model_config = ConfigDict(populate_by_name=True)


class IntervalReport(BaseModel):
    start: datetime = Field(alias="from", serialization_alias="from")
    end: datetime = Field(alias="to", serialization_alias="to")
    minutes: int
    service_level_seconds: int
    items: list[IntervalOut]

    model_config = ConfigDict(populate_by_name=True)


class AgentReportRow(BaseModel):
    agent_id: int
    name: str
    username: str
    answered: int = Field(description="Offered in the period and first joined by this agent.")
    answered_within: int
    done: int = Field(description="Marked done by this agent in the period.")
    handle_seconds: float = Field(description="Active seconds on interactions done in it.")
    average_handle_seconds: float | None

    @classmethod
    def of(cls, name: str, username: str, figures: AgentFigures) -> AgentReportRow:
        return cls(
            agent_id=figures.agent_id,
            name=name,
            username=username,
            answered=figures.answered,
            answered_within=figures.answered_within,
            done=figures.done,
            handle_seconds=figures.handle_seconds,
            average_handle_seconds=figures.average_handle_seconds,
        )


class AgentReport(BaseModel):
    start: datetime = Field(alias="from", serialization_alias="from")
    end: datetime = Field(alias="to", serialization_alias="to")
    service_level_seconds: int
    items: list[AgentReportRow]

    model_config = ConfigDict(populate_by_name=True)
