"""Teams, who belongs to them, and the shared workbins they use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.db.base import Base


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # The name as people compare it (casefolded): two teams never share a name in any case.
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class TeamMember(Base):
    """A user in a team (many to many): agents take its shared workbins, supervisors watch it."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TeamWorkbin(Base):
    """A shared workbin the team uses; a shared workbin no team uses stays everyone's."""

    __tablename__ = "team_workbins"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    workbin_id: Mapped[int] = mapped_column(
        ForeignKey("workbins.id", ondelete="CASCADE"), primary_key=True, index=True
    )
