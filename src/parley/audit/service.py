"""Recording actions and reading them back. The caller owns the transaction: an action and its
audit entry commit together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.audit.models import AuditEntry

MAX_PAGE = 500


def record_action(
    session: AsyncSession,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | str,
    summary: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to the caller's transaction. `action` is a dotted verb ("user.deactivated"),
    `summary` the line a person reads; `detail` holds what changed (JSON-serialisable)."""
    entry = AuditEntry(
        at=at,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        summary=summary[:500],
        detail=detail or {},
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to read: half-open time range [since, until), an actor, an action prefix
    ("user." matches every user action), and keyset paging by id (newest first)."""

    since: datetime | None = None
    until: datetime | None = None
    actor_id: int | None = None
    action: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    before_id: int | None = None
    limit: int = 100
    # Only entries whose actor is one of these users, or whose subject is one of them (a
    # supervisor limited to their teams); None: every entry.
    within: frozenset[int] | None = None


async def list_actions(session: AsyncSession, query: AuditFilter) -> list[AuditEntry]:
    """Entries matching `query`, newest first, at most `min(limit, MAX_PAGE)`."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc())
    if query.since is not None:
        statement = statement.where(AuditEntry.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.at < query.until)
    if query.actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == query.actor_id)
    if query.action:
        statement = statement.where(AuditEntry.action.startswith(query.action, autoescape=True))
    if query.subject_type is not None:
        statement = statement.where(AuditEntry.subject_type == query.subject_type)
    if query.subject_id is not None:
        statement = statement.where(AuditEntry.subject_id == query.subject_id)
    if query.within is not None:
        ids = sorted(query.within)
        statement = statement.where(
            AuditEntry.actor_id.in_(ids)
            | (
                (AuditEntry.subject_type == "user")
                & AuditEntry.subject_id.in_([str(i) for i in ids])
            )
        )
    if query.before_id is not None:
        statement = statement.where(AuditEntry.id < query.before_id)
    statement = statement.limit(max(1, min(query.limit, MAX_PAGE)))
    return list(await session.scalars(statement))
