"""agent desktop: reactions on messages, read receipts and typing on interactions

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("reactions", JSON_TYPE, nullable=True))
    op.add_column("interactions", sa.Column("read_message_id", sa.Integer(), nullable=True))
    op.add_column("interactions", sa.Column("typing_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("typing_at")
        batch.drop_column("read_message_id")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("reactions")
