"""users that admins manage (deactivation, password resets, supervisor scope), teams and the
shared workbins they use, dispositions and Not Ready reasons kept in the database

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(sa.Column("deactivated_at", WHEN, nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.add_column(
            sa.Column(
                "supervisor_scope", sa.String(length=10), server_default="all", nullable=False
            )
        )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name_key", name=op.f("uq_teams_name_key")),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_members_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_team_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
    )
    op.create_index(op.f("ix_team_members_user_id"), "team_members", ["user_id"])
    op.create_table(
        "team_workbins",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("workbin_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_workbins_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workbin_id"],
            ["workbins.id"],
            name=op.f("fk_team_workbins_workbin_id_workbins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "workbin_id", name=op.f("pk_team_workbins")),
    )
    op.create_index(op.f("ix_team_workbins_workbin_id"), "team_workbins", ["workbin_id"])
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("label_key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        sa.UniqueConstraint("kind", "label_key", name="uq_codes_kind_label_key"),
    )
    op.create_index(op.f("ix_interactions_disposition"), "interactions", ["disposition"])
    op.create_table(
        "code_lists",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("seeded_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_code_lists")),
    )


def downgrade() -> None:
    op.drop_table("code_lists")
    op.drop_index(op.f("ix_interactions_disposition"), table_name="interactions")
    op.drop_table("codes")
    op.drop_index(op.f("ix_team_workbins_workbin_id"), table_name="team_workbins")
    op.drop_table("team_workbins")
    op.drop_index(op.f("ix_team_members_user_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_table("teams")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("supervisor_scope")
        batch.drop_column("must_change_password")
        batch.drop_column("deactivated_at")
        batch.drop_column("active")
