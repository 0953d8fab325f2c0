"""The ingest health and replay shapes of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, StrictBool
from pydantic_core import PydanticCustomError

from parley.ingest.health import IngestHealth
from parley.ingest.replay import ReplayFilter


def _iso_time(value: object) -> object:
    """Only ISO 8601 text: pydantic alone would also take a number (or a string of digits)
    as Unix seconds, so `{"since": 0}` would quietly mean 1970."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("iso_time", "Input should be an ISO 8601 time with a zone")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_time", "Input should be an ISO 8601 time with a zone"
        ) from None


IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_time)]


class ReplayIn(BaseModel):
    """Which stored webhooks to process again: the failed ones, a time range of arrival, or the
    failed ones in that range. Strict: JSON booleans only (not "yes" or 1), times as ISO 8601
    text with their zone, no unknown fields."""

    model_config = ConfigDict(extra="forbid")

    failed_only: StrictBool = False
    since: IsoTime | None = None
    until: IsoTime | None = None

    def filter(self) -> ReplayFilter:
        return ReplayFilter(failed_only=self.failed_only, since=self.since, until=self.until)


class ReplayOut(BaseModel):
    queued: int


class IngestHealthOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received: int
    processed: int
    failed: int
    pending: int
    ignored: int
    last_ignored_reason: str | None
    oldest_unprocessed_at: datetime | None
    oldest_unprocessed_age_seconds: float | None

    @classmethod
    def of(cls, health: IngestHealth, now: datetime) -> IngestHealthOut:
        return cls(
            received=health.received,
            processed=health.processed,
            failed=health.failed,
            pending=health.pending,
            ignored=health.ignored,
            last_ignored_reason=health.last_ignored_reason,
            oldest_unprocessed_at=health.oldest_unprocessed_at,
            oldest_unprocessed_age_seconds=health.oldest_unprocessed_age(now),
        )
