"""responses: response categories, standard responses and synced message templates

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "response_categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "parent_id",
            sa.Integer(),
            sa.ForeignKey(
                "response_categories.id",
                ondelete="CASCADE",
                name="fk_response_categories_parent_id_response_categories",
            ),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_response_categories"),
    )
    op.create_index("ix_response_categories_parent_id", "response_categories", ["parent_id"])
    op.create_table(
        "standard_responses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "category_id",
            sa.Integer(),
            sa.ForeignKey(
                "response_categories.id",
                ondelete="CASCADE",
                name="fk_standard_responses_category_id_response_categories",
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_ids", JSON_TYPE, nullable=False),
        sa.Column("template_name", sa.String(512), nullable=True),
        sa.Column("template_language", sa.String(20), nullable=True),
        sa.Column("template_parameters", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_standard_responses"),
        sa.UniqueConstraint("name", name="uq_standard_responses_name"),
    )
    op.create_index("ix_standard_responses_category_id", "standard_responses", ["category_id"])
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("graph_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("parameter_format", sa.String(16), nullable=False),
        sa.Column("components", JSON_TYPE, nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_templates"),
        sa.UniqueConstraint("name", "language", name="uq_message_templates_name"),
    )


def downgrade() -> None:
    op.drop_table("message_templates")
    op.drop_index("ix_standard_responses_category_id", table_name="standard_responses")
    op.drop_table("standard_responses")
    op.drop_index("ix_response_categories_parent_id", table_name="response_categories")
    op.drop_table("response_categories")
