"""The simulator's behaviour switches: set at start, changed live by `POST /_sim/config`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def default_retry_schedule() -> tuple[float, ...]:
    """Seconds to wait before each retry of a failed webhook: immediately, then with
    decreasing frequency, then hourly, for about 7 days in all (Meta's published bound)."""
    head = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
    hours = int((7 * 24 * 3600 - sum(head)) // 3600)
    return head + (3600.0,) * hours


@dataclass
class SimulatorOptions:
    webhook_url: str | None = None
    pair_rate_limit: bool = False
    """Meta's 1 message / 6 s per user (bursts of 45) → 131056. Off so demos and benchmarks
    measure Parley rather than Meta's pacing."""
    throughput_mps: float | None = None
    """Messages per second per business number before 130429 (Meta: 80). None = unlimited."""
    auto_deliver: bool = True
    """Send `delivered` right after `sent` (the customer's phone is online)."""
    auto_read: bool = False
    """Send `read` right away too, as if the customer had the chat open."""
    unknown_recipients_fail: bool = True
    """Sends to a wa_id the simulator does not know fail with 131026; if False the
    customer is created on the fly."""
    batch_webhooks: bool = False
    """Put all events pending for a customer into one POST (Meta may); default one per event."""
    max_batch: int = 100
    webhook_timeout_seconds: float = 10.0
    check_media_content: bool = True
    """Reject uploads whose bytes do not match the declared MIME type (131053)."""
    wa_id_map: dict[str, str] = field(default_factory=dict)
    """Dialled digits → wa_id, for Brazil/Mexico-style differences (WHATSAPP.md §8.5)."""
    business_name: str = "Parley Store"
    bsuid: bool = True
    """Add 2026's business-scoped user ids: `contacts[].user_id`, `messages[].from_user_id`,
    and `contacts[]` plus `recipient_user_id` on sent/delivered/read statuses."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class OptionsPatch(BaseModel):
    """Body of `POST /_sim/config`: any subset of the options."""

    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = None
    pair_rate_limit: bool | None = None
    throughput_mps: float | None = Field(default=None, ge=0)
    auto_deliver: bool | None = None
    auto_read: bool | None = None
    unknown_recipients_fail: bool | None = None
    batch_webhooks: bool | None = None
    max_batch: int | None = Field(default=None, ge=1, le=1000)
    webhook_timeout_seconds: float | None = Field(default=None, gt=0)
    check_media_content: bool | None = None
    wa_id_map: dict[str, str] | None = None
    business_name: str | None = Field(default=None, max_length=100)
    bsuid: bool | None = None

    def apply(self, options: SimulatorOptions) -> None:
        for name in self.model_fields_set:
            value = getattr(self, name)
            if name == "throughput_mps" and not value:
                value = None
            setattr(options, name, value)
