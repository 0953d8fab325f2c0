"""Reading a period from query parameters: ISO dates or date-times, half-open [from, to)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from parley.errors import Invalid

MAX_DAYS = 92


def parse_moment(value: str, name: str) -> datetime:
    """`2026-01-05` (midnight UTC), `2026-01-05T09:00:00Z` or with an offset; naive = UTC."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"`{name}` must be an ISO date (2026-01-05) or date-time (2026-01-05T09:00:00Z).",
            code="invalid_period",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """[from, to): `from` defaults to today's start (UTC), `to` to one day after `from`. At most
    MAX_DAYS long; `to` after `from`."""
    first = parse_moment(start, "from") if start else start_of_day(now)
    last = parse_moment(end, "to") if end else first + timedelta(days=1)
    if last <= first:
        raise Invalid("`to` must be after `from`.", code="invalid_period")
    if last - first > timedelta(days=MAX_DAYS):
        raise Invalid(f"A report covers at most {MAX_DAYS} days.", code="period_too_long")
    return first, last


def start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
