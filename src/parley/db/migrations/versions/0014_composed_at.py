"""messages.composed_at: when the agent pressed Send, for a reply that reached Parley late

A reply written while the agent's browser was offline is posted again when the connection is
back; the transcript shows it where it was written, marked as sent late.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("composed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("messages", "composed_at")
