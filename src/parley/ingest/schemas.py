"""The ingest health view of the public API."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from parley.ingest.health import IngestHealth
from parley.ingest.replay import ReplayFilter


class ReplayIn(BaseModel):
    """Which stored webhooks to process again: the failed ones, a time range of arrival, or the
    failed ones in that range."""

    model_config = ConfigDict(extra="forbid")

    failed_only: bool = False
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None

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
    oldest_unprocessed_at: datetime | None
    oldest_unprocessed_age_seconds: float | None

    @classmethod
    def of(cls, health: IngestHealth, now: datetime) -> IngestHealthOut:
        return cls(
            received=health.received,
            processed=health.processed,
            failed=health.failed,
            pending=health.pending,
            oldest_unprocessed_at=health.oldest_unprocessed_at,
            oldest_unprocessed_age_seconds=health.oldest_unprocessed_age(now),
        )
