"""attachment claims: when a fetcher leased a contact's file, apart from when it is due

A lease and a retry's backoff both lived in `next_attempt_at`, so a worker that started again
made the files waiting for a retry due at once along with its predecessor's leases: a worker
that kept dying spent their attempts faster. Rows leased before this revision have none; their
lease runs out as before.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("attachments", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("attachments", "claimed_at")
