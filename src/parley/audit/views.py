"""`GET /api/v1/audit`: the audit log for supervisors and admins, as JSON pages or as CSV."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from parley.audit.export import csv_rows
from parley.audit.reading import read_all, read_page
from parley.audit.schemas import AuditPage
from parley.audit.service import MAX_PAGE, AuditFilter
from parley.auth.models import User
from parley.deps import CurrentUser, RuntimeDep, Uow
from parley.domain.roles import reads_the_audit_log
from parley.errors import Forbidden, Invalid
from parley.fields import MAX_ID
from parley.teams.service import visible_agent_ids

router = APIRouter(prefix="/api/v1", tags=["audit"])


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@router.get(
    "/audit",
    response_model=AuditPage,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
)
async def read_audit_log(
    user: CurrentUser,
    uow: Uow,
    runtime: RuntimeDep,
    since: Annotated[datetime | None, Query(description="From this moment (ISO 8601; UTC if no zone)")] = None,
    until: Annotated[datetime | None, Query(description="Before this moment (excluded)")] = None,
    actor: Annotated[str | None, Query(max_length=64, description="The actor's username")] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[str | None, Query(max_length=60, description='A prefix: "user." for every user action')] = None,
    subject_type: Annotated[str | None, Query(max_length=40)] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Keyset paging: entries older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    format: Literal["json", "csv"] = "json",
) -> AuditPage | StreamingResponse:  # fmt: skip
    """Newest first. Supervisors limited to their teams see the entries whose actor or subject
    user is in their teams. `format=csv` streams every matching entry (no paging) as a download,
    its cells made safe for spreadsheets."""
    if not reads_the_audit_log(user.role):
        raise Forbidden("Only supervisors and admins read the audit log.", code="staff_only")
    since, until = _utc(since), _utc(until)
    if since and until and until <= since:
        raise Invalid(
            "The range ends before it starts.",
            fields=[{"field": "until", "message": "is not after since"}],
        )
    if actor is not None:
        wanted = actor.strip().casefold()
        names = await uow.session.execute(select(User.id, User.username))
        found = [i for i, name in names if name.casefold() == wanted]
        actor_id = found[0] if found else -1  # nobody: an empty answer, not an error
    query = AuditFilter(
        since=since,
        until=until,
        actor_id=actor_id,
        action=action or None,
        subject_type=subject_type,
        subject_id=subject_id,
        before_id=before,
        limit=limit,
        within=await visible_agent_ids(uow.session, user),
    )
    if format == "json":
        return await read_page(uow, query)
    stamp = runtime.clock.now().strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        _stream(runtime, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="parley-audit-{stamp}.csv"'},
    )


async def _stream(runtime: RuntimeDep, query: AuditFilter) -> AsyncIterator[bytes]:
    # Its own reading session: the request's closes when the view returns, before streaming.
    header = True
    async with runtime.reader() as uow:
        async for batch in read_all(uow, query):
            yield csv_rows(batch, header=header).encode()
            header = False
    if header:
        yield csv_rows([], header=True).encode()
