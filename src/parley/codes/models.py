"""The code lists' entries, and which lists were seeded from the settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Code(Base):
    """One entry of a list: a disposition offered at Mark Done, or a Not Ready reason."""

    __tablename__ = "codes"
    __table_args__ = (UniqueConstraint("kind", "label_key", name="uq_codes_kind_label_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "disposition" | "not_ready_reason"
    label: Mapped[str] = mapped_column(String(100))
    # The label as people compare it (casefolded): a list never holds "Resolved" twice.
    label_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    # A code that was used is deactivated, not deleted: past records keep naming it.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class CodeList(Base):
    """A list seeded once from the settings (`PARLEY_DISPOSITIONS`, `PARLEY_NOT_READY_REASONS`):
    from then on the database holds it, even emptied."""

    __tablename__ = "code_lists"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    seeded_at: Mapped[datetime]
