"""reaction targets: an indexed column for the wamid a customer's reaction is on

A message that arrives after its reaction looked the reaction up by reading every message of
its contact (a cost that grew with the contact's history); the index finds it directly.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("reacts_to_wamid", sa.String(length=255), nullable=True))
    target = (
        "content ->> 'message_id'"
        if op.get_bind().dialect.name == "postgresql"
        else "json_extract(content, '$.message_id')"
    )
    op.execute(
        f"UPDATE messages SET reacts_to_wamid = {target} "
        "WHERE type = 'reaction' AND direction = 'in'"
    )
    op.create_index("ix_messages_reacts_to_wamid", "messages", ["reacts_to_wamid"])


def downgrade() -> None:
    op.drop_index("ix_messages_reacts_to_wamid", table_name="messages")
    op.drop_column("messages", "reacts_to_wamid")
