"""Reading a period from query parameters: ISO dates or date-times, half-open [from, to)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from parley.errors import Invalid

MAX_DAYS = 92
MAX_INTERVALS = 10_000  # slices in one intervals report
# Far enough for any report; keeps `from + 1 day` and the like inside what datetime can hold.
FIRST_YEAR, LAST_YEAR = 1970, 2999


def parse_moment(value: str, name: str) -> datetime:
    """`2026-01-05` (midnight UTC), `2026-01-05T09:00:00Z` or with an offset; naive = UTC."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"`{name}` must be an ISO date (2026-01-05) or date-time (2026-01-05T09:00:00Z).",
            code="invalid_period",
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(
            f"`{name}` must fall between {FIRST_YEAR} and {LAST_YEAR}.", code="invalid_period"
        )
    return moment


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


def check_slices(start: datetime, end: datetime, minutes: int) -> None:
    """At most MAX_INTERVALS slices in one report (422 `too_many_intervals`)."""
    if (end - start) / timedelta(minutes=minutes) > MAX_INTERVALS:
        raise Invalid(
            f"At most {MAX_INTERVALS} intervals per report: choose longer intervals or a shorter "
            "period.",
            code="too_many_intervals",
        )
