"""contact ids never reused: SQLite's contacts table gains AUTOINCREMENT

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

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("contacts", "attachments")
_PLAIN = "id INTEGER NOT NULL, "
_AUTO = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "


def upgrade() -> None:
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
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _TABLES:
        _rebuild(table, autoincrement=False)


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
