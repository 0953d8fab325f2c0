"""attachment previews: a thumbnail's storage key and the image's size in pixels

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("attachments", sa.Column("thumbnail_key", sa.String(length=64), nullable=True))
    op.add_column("attachments", sa.Column("width", sa.Integer(), nullable=True))
    op.add_column("attachments", sa.Column("height", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would reflect the tables
    # these reference, and SQLite's expression indexes on contacts cannot be reflected.
    for column in ("height", "width", "thumbnail_key"):
        op.drop_column("attachments", column)
