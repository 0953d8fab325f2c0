"""contact ids never reused, merged identities kept: SQLite's contacts table gains
AUTOINCREMENT, and `contact_aliases` holds the numbers and BSUIDs of contacts merged away

Without it SQLite gives a new row the highest id plus one, so after the contact with the highest
id was merged away the next new customer took its id, and a client (or a link) still holding it
opened a different person. PostgreSQL's sequences never hand an id out twice: nothing changes
there. Attachments, swept when abandoned, get the same treatment.

SQLite cannot add AUTOINCREMENT to a table: it is rebuilt. The rows are copied aside, the table
is dropped and created again under its own name with the same columns and constraints, and the
rows come back with their ids. Foreign keys to it are deferred to the commit meanwhile (a drop
counts every referencing row as an orphan; re-inserting the rows under the same name resolves
them), and the indexes and triggers (the search index's) are created again from their stored
text. The next id starts above every id ever merged away.

`contact_aliases`: a merged contact's number (say the Brazilian form without the ninth digit)
that the kept contact could not take because it has its own; ingest finds the kept contact by
it instead of creating the merged one again.

`interactions.handled_by_id`: the agent who last held an interaction, kept when it is parked
or requeued (its `agent_id` is cleared then), so My History still lists it. Filled from the
state history (the last move to `active`, by whom). My History and a contact's history go in
time order, newest first, through indexes on (agent or contact, created_at, id).

Revision ID: 0017
Revises: 0016
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("contacts", "attachments")
_PLAIN = "id INTEGER NOT NULL, "
_AUTO = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "


def upgrade() -> None:
    op.create_table(
        "contact_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("wa_id", sa.String(length=32), nullable=True),
        sa.Column("bsuid", sa.String(length=160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_aliases_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_aliases")),
        sa.UniqueConstraint("wa_id", name=op.f("uq_contact_aliases_wa_id")),
        sa.UniqueConstraint("bsuid", name=op.f("uq_contact_aliases_bsuid")),
    )
    op.create_index(
        op.f("ix_contact_aliases_contact_id"), "contact_aliases", ["contact_id"], unique=False
    )
    op.create_index("ix_contact_merges_merged", "contact_merges", ["merged_id"])
    _add_handled_by()
    # Numbers merged away before this migration become aliases of the contact that kept them.
    snapshot = (
        "merged ->> '{key}'"
        if op.get_bind().dialect.name == "postgresql"
        else "json_extract(merged, '$.{key}')"
    )
    wa_id = snapshot.format(key="wa_id")
    op.execute(
        "INSERT INTO contact_aliases (contact_id, wa_id, created_at) "
        f"SELECT max(m.kept_id), {wa_id}, max(m.at) FROM contact_merges AS m "
        f"WHERE {wa_id} IS NOT NULL AND {wa_id} NOT IN "
        "(SELECT wa_id FROM contacts WHERE wa_id IS NOT NULL) "
        f"AND m.kept_id IN (SELECT id FROM contacts) GROUP BY {wa_id}"
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _TABLES:
        _rebuild(table, autoincrement=True)
    # Ids merged away before this migration are never given again either.
    op.execute(
        "UPDATE sqlite_sequence SET seq = max(seq, "
        "(SELECT coalesce(max(merged_id), 0) FROM contact_merges)) WHERE name = 'contacts'"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_contact_aliases_contact_id"), table_name="contact_aliases")
    op.drop_table("contact_aliases")
    op.drop_index("ix_contact_merges_merged", table_name="contact_merges")
    op.drop_index("ix_interactions_contact_created", table_name="interactions")
    op.drop_index("ix_interactions_handled_by_created", table_name="interactions")
    with warnings.catch_warnings():
        # Reflecting interactions reflects contacts, whose search indexes are expressions.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        with op.batch_alter_table("interactions") as batch:
            if op.get_bind().dialect.name != "sqlite":  # SQLite's goes with its column
                batch.drop_constraint("fk_interactions_handled_by_id_users", type_="foreignkey")
            batch.drop_column("handled_by_id")
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _TABLES:
        _rebuild(table, autoincrement=False)


def _add_handled_by() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place (no table rebuild).
        op.execute(
            "ALTER TABLE interactions ADD COLUMN handled_by_id INTEGER "
            "CONSTRAINT fk_interactions_handled_by_id_users REFERENCES users (id)"
        )
    else:
        op.add_column("interactions", sa.Column("handled_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_interactions_handled_by_id_users",
            "interactions",
            "users",
            ["handled_by_id"],
            ["id"],
        )
    op.execute(
        "UPDATE interactions SET handled_by_id = (SELECT e.agent_id FROM interaction_events AS e "
        "WHERE e.interaction_id = interactions.id AND e.to_state = 'active' "
        "AND e.agent_id IS NOT NULL ORDER BY e.id DESC LIMIT 1)"
    )
    op.execute(
        "UPDATE interactions SET handled_by_id = agent_id WHERE handled_by_id IS NULL "
        "AND state IN ('active', 'done')"
    )
    op.create_index(
        "ix_interactions_handled_by_created",
        "interactions",
        ["handled_by_id", "created_at", "id"],
    )
    op.create_index(
        "ix_interactions_contact_created", "interactions", ["contact_id", "created_at", "id"]
    )


def _rebuild(table: str, *, autoincrement: bool) -> None:
    bind = op.get_bind()
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    others = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name",
            (table,),
        )
    ]
    key = f", \n\tCONSTRAINT pk_{table} PRIMARY KEY (id)"
    if autoincrement:
        assert _PLAIN in create and key in create, create
        create = create.replace(_PLAIN, _AUTO, 1).replace(key, "", 1)
    else:
        assert _AUTO in create, create
        create = create.replace(_AUTO, _PLAIN, 1).replace(
            ", \n\tCONSTRAINT", f"{key}, \n\tCONSTRAINT", 1
        )
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TEMP TABLE _rebuild_{table} AS SELECT * FROM {table}")
    # Triggers go with the table before its rows do, so the search index is left as it is.
    op.execute(f"DROP TABLE {table}")
    op.execute(create)
    op.execute(f"INSERT INTO {table} SELECT * FROM _rebuild_{table}")
    op.execute(f"DROP TABLE _rebuild_{table}")
    for sql in others:
        op.execute(sql)
