"""disposition code id: an interaction points at the disposition code it was closed with

A code was "used" while some interaction held its words, so renaming a used disposition made it
deletable and history then named a code that no longer existed. The id keeps the link through
a rename; the words stay as the agent picked them. Existing rows are linked by their words.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("interactions", sa.Column("disposition_code_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE interactions SET disposition_code_id = ("
        "SELECT codes.id FROM codes WHERE codes.kind = 'disposition' "
        "AND codes.label_key = lower(interactions.disposition)) "
        "WHERE disposition IS NOT NULL"
    )
    op.create_index("ix_interactions_disposition_code_id", "interactions", ["disposition_code_id"])


def downgrade() -> None:
    op.drop_index("ix_interactions_disposition_code_id", table_name="interactions")
    op.drop_column("interactions", "disposition_code_id")
