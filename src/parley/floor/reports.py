"""Thin routes for the service reports over a period, as JSON or CSV (`?format=csv` or
`Accept: text/csv`). Supervisors and admins only. Definitions: `parley.domain.service_level`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select

from parley.auth.models import User
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain import service_level as sl
from parley.floor.history import load_histories
from parley.floor.periods import check_slices, period
from parley.floor.schemas import (
    AgentReport,
    AgentReportRow,
    FiguresOut,
    IntervalOut,
    IntervalReport,
    ServiceLevelReport,
)
from parley.floor.scope import in_scope, visible_agent_ids
from parley.floor.views import require_floor

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

From = Annotated[
    str | None, Query(alias="from", description="ISO date or date-time; default today 00:00 UTC")
]
To = Annotated[
    str | None,
    Query(alias="to", description="ISO date or date-time (excluded); default from + 1 day"),
]
Format = Annotated[
    Literal["json", "csv"] | None, Query(description="csv, or send Accept: text/csv")
]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
FIGURES = list(FiguresOut.model_fields)


@router.get("/service-level", response_model=ServiceLevelReport, responses=CSV)
async def service_level(
    request: Request,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    start: From = None,
    end: To = None,
    format: Format = None,
) -> Any:
    """Offered, answered, abandoned, service level, waits and handle time over [from, to)."""
    require_floor(user)
    first, last = period(start, end, runtime.clock.now())
    threshold = runtime.settings.service_level_seconds
    histories = await load_histories(uow, first, last)
    figures = sl.figures(histories, start=first, end=last, threshold_seconds=threshold)
    report = ServiceLevelReport(
        start=first, end=last, service_level_seconds=threshold, **asdict(figures)
    )
    if not _wants_csv(request, format):
        return report
    columns = ["from", "to", "service_level_seconds", *FIGURES]
    return _csv("service-level", first, columns, [report.model_dump(by_alias=True)])


@router.get("/intervals", response_model=IntervalReport, responses=CSV)
async def intervals(
    request: Request,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    start: From = None,
    end: To = None,
    minutes: Annotated[int, Query(ge=5, le=1440, description="slice length")] = 15,
    format: Format = None,
) -> Any:
    """Volume and figures per `minutes` slice of [from, to) (inbound volume is `offered`)."""
    require_floor(user)
    first, last = period(start, end, runtime.clock.now())
    check_slices(first, last, minutes)
    threshold = runtime.settings.service_level_seconds
    histories = await load_histories(uow, first, last)
    slices = sl.intervals(
        histories, start=first, end=last, minutes=minutes, threshold_seconds=threshold
    )
    items = [IntervalOut.of_interval(s) for s in slices]
    report = IntervalReport(
        start=first, end=last, minutes=minutes, service_level_seconds=threshold, items=items
    )
    if not _wants_csv(request, format):
        return report
    rows = [{"from": i.start, "to": i.end, **i.model_dump(include=set(FIGURES))} for i in items]
    return _csv("intervals", first, ["from", "to", *FIGURES], rows)


@router.get("/agents", response_model=AgentReport, responses=CSV)
async def agents(
    request: Request,
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    start: From = None,
    end: To = None,
    format: Format = None,
) -> Any:
    """Per agent over [from, to): answered, answered within the threshold, done, handle time."""
    require_floor(user)
    first, last = period(start, end, runtime.clock.now())
    threshold = runtime.settings.service_level_seconds
    scope = await visible_agent_ids(uow, user)
    histories = await load_histories(uow, first, last)
    per_agent = sl.agent_figures(histories, start=first, end=last, threshold_seconds=threshold)
    people = await uow.session.execute(
        select(User.id, User.name, User.username).where(User.role == "agent").order_by(User.name)
    )
    items = [
        AgentReportRow.of(name, username, per_agent.get(agent_id, sl.AgentFigures(agent_id)))
        for agent_id, name, username in people.all()
        if in_scope(scope, agent_id)
    ]
    report = AgentReport(start=first, end=last, service_level_seconds=threshold, items=items)
    if not _wants_csv(request, format):
        return report
    return _csv("agents", first, list(AgentReportRow.model_fields), _dumps(items))


def _dumps(items: Iterable[BaseModel]) -> list[dict[str, Any]]:
    return [item.model_dump() for item in items]


def _wants_csv(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def _csv(
    name: str, start: datetime, columns: Sequence[str], rows: Iterable[dict[str, Any]]
) -> Response:
    """One header row, then the rows; times ISO UTC, empty for null, rates as 0..1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    filename = f"parley-{name}-{start.date().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)
