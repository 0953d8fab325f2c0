"""whatsapp traffic: contacts' usernames, parent BSUIDs and marketing opt-outs, ignored
webhooks with their reason, outbox recipients as long as a BSUID, the account's alerts

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("parent_bsuid", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("username", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("marketing_opt_out_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.add_column("inbound_log", sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("to_wa_id", type_=sa.String(160), existing_type=sa.String(32))
    op.create_table(
        "account_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", JSON_TYPE, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_alerts")),
    )


def downgrade() -> None:
    op.drop_table("account_alerts")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("to_wa_id", type_=sa.String(32), existing_type=sa.String(160))
    with op.batch_alter_table("inbound_log") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("marketing_opt_out_at")
        batch.drop_column("username")
        batch.drop_column("parent_bsuid")
