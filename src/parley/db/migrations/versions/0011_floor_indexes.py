"""indexes for the floor's and the reports' periods: interactions by created and done time

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interactions_created_at", "interactions", ["created_at"])
    op.create_index("ix_interactions_done_at", "interactions", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_interactions_done_at", table_name="interactions")
    op.drop_index("ix_interactions_created_at", table_name="interactions")
