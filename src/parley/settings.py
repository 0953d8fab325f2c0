"""Runtime settings: every `PARLEY_*` environment variable (and `.env`), validated once at start.

One `Settings` object is built by the CLI (or a test) and passed down; nothing reads the
environment anywhere else.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from parley.domain.attachments import MB, WHATSAPP_LIMITS, WHATSAPP_TYPES, AttachmentPolicy

GRAPH_API_BASE_URL = "https://graph.facebook.com"
_VERSION = re.compile(r"^v\d+\.\d+$")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()/-]{0,200}")


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "parley"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARLEY_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    redis_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str = ""

    whatsapp_api_base_url: str = GRAPH_API_BASE_URL
    whatsapp_api_version: str = "v23.0"
    whatsapp_access_token: str = "parley-dev-token"
    whatsapp_phone_number_id: str = "109876543210987"
    whatsapp_display_phone_number: str = "15550001111"
    whatsapp_business_account_id: str = "880011223344556"
    whatsapp_app_secret: str = "parley-dev-app-secret"
    whatsapp_verify_token: str = "parley-dev-verify-token"
    whatsapp_send_rate: float = Field(default=80.0, gt=0, description="messages per second")
    whatsapp_timeout_seconds: float = Field(default=10.0, gt=0)
    template_sync_seconds: float = Field(
        default=3600.0, ge=10, description="full template re-sync interval (also on start)"
    )

    pending_response_thresholds: Annotated[tuple[int, int], NoDecode] = (30, 50)
    agent_capacity: int = Field(default=3, ge=1, le=100)
    offer_timeout_seconds: int = Field(default=30, ge=0)
    # A customer answered within this many seconds counts toward the service level.
    service_level_seconds: int = Field(default=60, ge=1, le=86400)
    # With auto-accept the router hands interactions over as active; without it they are offered.
    auto_accept: bool = False
    send_read_receipts: bool = True
    send_typing_indicator: bool = True
    disposition_required: bool = False
    dispositions: Annotated[tuple[str, ...], NoDecode] = (
        "Resolved",
        "Follow-up needed",
        "No response",
        "Escalated",
    )
    not_ready_reasons: Annotated[tuple[str, ...], NoDecode] = (
        "Break",
        "Lunch",
        "Meeting",
        "Training",
        "After-call work",
    )
    # The contact fields an admin adds to every contact (values edited in the Contact Directory).
    contact_fields: Annotated[tuple[str, ...], NoDecode] = ("Company", "Customer number")
    # ISO 3166 country of numbers typed without a country code (e.g. BR); empty: none assumed.
    default_country: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")
    # Workbins and presence (see domain.presence): an agent whose event streams are all gone for
    # the grace time is set Not Ready; after the park time their active interactions go to their
    # workbin. An agent whose offers expire this many times in a row is set Not Ready (0: never).
    disconnect_grace_seconds: int = Field(default=60, ge=5)
    disconnect_park_seconds: int = Field(default=300, ge=5)
    missed_offers_limit: int = Field(default=2, ge=0)
    # A contact who writes to a parked interaction is offered first to the agent who parked it.
    route_to_previous_agent: bool = True
    # A parked or queued session with no message either way for this long is closed.
    session_timeout_seconds: int = Field(default=24 * 3600, ge=60)
    webhook_max_body_bytes: int = Field(default=3 * 1024 * 1024, ge=1024)
    api_max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    session_max_age_seconds: int = Field(default=12 * 3600, ge=60)
    cookie_secure: bool = False
    log_level: str = "INFO"

    # Attachments: every upload is capped by attachment_max_bytes; the types agents may send
    # and each kind's limit narrow WhatsApp's own (see domain.attachments).
    attachment_max_bytes: int = Field(default=100 * MB, ge=1024, le=100 * MB)
    attachment_types: Annotated[tuple[str, ...], NoDecode] = tuple(WHATSAPP_TYPES)
    attachment_limits: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: dict(WHATSAPP_LIMITS)
    )
    # Where files are kept: `local` (a directory; empty `storage_dir` means
    # `<data_dir>/attachments`) or `s3` (a bucket of Amazon S3 or an S3-compatible server, for
    # several nodes). S3 credentials come from the AWS SDK's standard chain (`AWS_ACCESS_KEY_ID`
    # and `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, an instance or task role) unless set here.
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_prefix: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    media_fetch_attempts: int = Field(default=6, ge=1, le=50)
    # An upload neither sent nor named by a standard response this long is deleted (0: never).
    unsent_upload_max_age_seconds: int = Field(default=24 * 3600, ge=0)
    # Scale-out: an outbox send claimed by a node that dies goes to another node after this
    # long. A live node renews its claims while it sends, so this only bounds a dead node's.
    claim_lease_seconds: int = Field(default=30, ge=10, le=3600)
    # The ingest worker process says it is alive every second; one silent this long (stuck
    # in a loop, stopped) is killed and started again, as one that died would be.
    worker_stall_seconds: int = Field(default=60, ge=5, le=3600)

    @field_validator("pending_response_thresholds", mode="before")
    @classmethod
    def _parse_thresholds(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if len(parts) != 2 or not all(p.isdigit() for p in parts):
                raise ValueError("expected two whole numbers of seconds, e.g. 30,50")
            return (int(parts[0]), int(parts[1]))
        return value

    @field_validator("pending_response_thresholds")
    @classmethod
    def _ordered_thresholds(cls, value: tuple[int, int]) -> tuple[int, int]:
        warn, alarm = value
        if not 0 < warn < alarm:
            raise ValueError("the first threshold must be positive and below the second")
        return value

    @field_validator("dispositions", "not_ready_reasons", "contact_fields", mode="before")
    @classmethod
    def _parse_codes(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("dispositions", "not_ready_reasons", "contact_fields")
    @classmethod
    def _distinct_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(code) > 100 for code in value):
            raise ValueError("each entry has at most 100 characters")
        if len({code.casefold() for code in value}) != len(value):
            raise ValueError("entries must differ (case is ignored)")
        return value

    @field_validator("attachment_types", mode="before")
    @classmethod
    def _parse_types(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("attachment_limits", mode="before")
    @classmethod
    def _parse_limits(cls, value: object) -> object:
        """`image=5242880,video=8000000`: bytes per kind; kinds not named keep WhatsApp's."""
        if isinstance(value, str):
            limits: dict[str, int] = {}
            for part in (p.strip() for p in value.split(",") if p.strip()):
                kind, _, size = part.partition("=")
                if not size.strip().isdigit():
                    raise ValueError("expected kind=bytes pairs, e.g. image=5242880,video=8000000")
                limits[kind.strip().lower()] = int(size)
            return limits
        return value

    @model_validator(mode="after")
    def _attachment_policy_valid(self) -> Settings:
        self.attachment_policy  # noqa: B018 - raises ValueError on an unknown type or kind
        return self

    @field_validator("whatsapp_api_version")
    @classmethod
    def _version_shape(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError("expected a Graph API version such as v23.0")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket_shape(cls, value: str) -> str:
        if value and not _BUCKET.fullmatch(value):
            raise ValueError(
                "expected an S3 bucket name: 3 to 63 lower-case letters, digits, . and -"
            )
        return value

    @field_validator("s3_prefix")
    @classmethod
    def _prefix_shape(cls, value: str) -> str:
        if not _PREFIX.fullmatch(value):
            raise ValueError("expected at most 200 letters, digits and !_.*'()/- (e.g. parley/)")
        return value

    @model_validator(mode="after")
    def _s3_complete(self) -> Settings:
        if self.storage_backend != "s3":
            return self
        if not self.s3_bucket:
            raise ValueError("PARLEY_STORAGE_BACKEND=s3 needs PARLEY_S3_BUCKET")
        if importlib.util.find_spec("aiobotocore") is None:
            raise ValueError(
                "PARLEY_STORAGE_BACKEND=s3 needs the S3 client: pip install 'parley[s3]'"
            )
        if bool(self.s3_access_key_id) != bool(self.s3_secret_access_key):
            raise ValueError(
                "PARLEY_S3_ACCESS_KEY_ID and PARLEY_S3_SECRET_ACCESS_KEY are set together"
            )
        return self

    @field_validator("whatsapp_api_base_url", "public_url", "s3_endpoint_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_shape(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("expected a sqlite:// or postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_shape(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("expected a redis:// URL")
        return value

    @model_validator(mode="after")
    def _log_level_known(self) -> Settings:
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("log_level must be DEBUG, INFO, WARNING or ERROR")
        return self

    @model_validator(mode="after")
    def _dispositions_to_require(self) -> Settings:
        if self.disposition_required and not self.dispositions:
            raise ValueError("disposition_required needs at least one entry in dispositions")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: the given one with an async driver, or SQLite in data_dir."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'parley.db'}"
        if url.startswith("sqlite:"):
            return url.replace("sqlite:", "sqlite+aiosqlite:", 1)
        if url.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + url.split("://", 1)[1]
        return url

    @property
    def attachment_policy(self) -> AttachmentPolicy:
        return AttachmentPolicy.configured(
            self.attachment_types, self.attachment_limits, self.attachment_max_bytes
        )

    @property
    def attachments_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "attachments"

    @property
    def graph_base(self) -> str:
        return f"{self.whatsapp_api_base_url}/{self.whatsapp_api_version}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


class SettingsError(Exception):
    """A setting has a bad value; the message is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "PARLEY_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
