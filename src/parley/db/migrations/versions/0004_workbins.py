"""workbins: parked interactions, presence heartbeats, missed offers

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workbins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_workbins_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workbins")),
        sa.UniqueConstraint("owner_id", name=op.f("uq_workbins_owner_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("workbin_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parked_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parked_at", WHEN, nullable=True))
        batch.add_column(sa.Column("park_reason", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("preferred_agent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("returned_from", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            op.f("fk_interactions_workbin_id_workbins"), "workbins", ["workbin_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_interactions_parked_by_id_users"), "users", ["parked_by_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_interactions_preferred_agent_id_users"),
            "users",
            ["preferred_agent_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_interactions_workbin_id"), ["workbin_id"], unique=False)
    with op.batch_alter_table("interaction_events") as batch:
        batch.add_column(sa.Column("note", sa.String(length=200), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_stream_at", WHEN, nullable=True))
        batch.add_column(
            sa.Column("missed_offers", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("missed_offers")
        batch.drop_column("last_stream_at")
    with op.batch_alter_table("interaction_events") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index(op.f("ix_interactions_workbin_id"))
        batch.drop_constraint(op.f("fk_interactions_preferred_agent_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_interactions_parked_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_interactions_workbin_id_workbins"), type_="foreignkey")
        for column in (
            "returned_from",
            "preferred_agent_id",
            "park_reason",
            "parked_at",
            "parked_by_id",
            "workbin_id",
        ):
            batch.drop_column(column)
    op.drop_table("workbins")
