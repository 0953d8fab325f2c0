"""contact directory: editable contact fields, merges, and the contact search index

SQLite: an FTS5 table with the trigram tokenizer (substring search), fed by triggers on
`contacts`. PostgreSQL: a generated, lowercased `search_text` column with a `pg_trgm` GIN index.
Either way the database keeps the index in step with every write to `contacts`, whoever makes it.
Both are left out of the models (see parley.db.migrate.SEARCH_OBJECTS).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The indexed text of a contact on SQLite: names, username, number, email, notes and custom
# field values.
_SQLITE_DOC = (
    "{p}.name, {p}.profile_name, {p}.username, {p}.wa_id, {p}.email, {p}.notes, "
    "(SELECT group_concat(value, ' ') FROM json_each(coalesce({p}.fields, '{{}}')))"
)
_SQLITE_COLUMNS = "name, profile_name, username, wa_id, email, notes, fields"
_PG_DOC = (
    "lower(coalesce(name, '') || ' ' || coalesce(profile_name, '') || ' ' || "
    "coalesce(username, '') || ' ' || "
    "coalesce(wa_id, '') || ' ' || coalesce(email, '') || ' ' || coalesce(notes, '') || ' ' || "
    "coalesce(jsonb_path_query_array(fields, '$.*')::text, ''))"
)


def upgrade() -> None:
    op.add_column("contacts", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("contacts", sa.Column("notes", sa.Text(), nullable=True))
    op.add_column("contacts", sa.Column("fields", JSON_TYPE, nullable=True))
    op.create_table(
        "contact_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("merged", JSON_TYPE, nullable=False),
        sa.Column("moved", JSON_TYPE, nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["contacts.id"], name=op.f("fk_contact_merges_kept_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_contact_merges_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_merges")),
    )
    op.create_index("ix_contact_merges_kept", "contact_merges", ["kept_id"])
    # My History and a contact's history: newest first per agent and per contact.
    op.create_index("ix_interactions_agent_id_id", "interactions", ["agent_id", "id"])
    op.create_index("ix_interactions_contact_id_id", "interactions", ["contact_id", "id"])
    # The display name (short queries, the order of results) and a number's last 8 digits (a
    # local number typed without its area code); parley.contacts.search writes them the same way.
    op.execute(
        "CREATE INDEX ix_contacts_search_key ON contacts "
        "(lower(coalesce(name, profile_name, wa_id, '')))"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_contacts_search_tail ON contacts (right(wa_id, 8))")
        _upgrade_postgresql()
    else:
        op.execute("CREATE INDEX ix_contacts_search_tail ON contacts (substr(wa_id, -8))")
        _upgrade_sqlite()


def _upgrade_sqlite() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE contacts_fts USING fts5({_SQLITE_COLUMNS}, "
        "content='', tokenize='trigram')"
    )
    new, old = _SQLITE_DOC.format(p="new"), _SQLITE_DOC.format(p="old")
    delete = (
        f"INSERT INTO contacts_fts(contacts_fts, rowid, {_SQLITE_COLUMNS}) "
        f"VALUES ('delete', old.id, {old});"
    )
    insert = f"INSERT INTO contacts_fts(rowid, {_SQLITE_COLUMNS}) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN {delete} END")
    op.execute(
        "CREATE TRIGGER contacts_fts_au AFTER UPDATE OF name, profile_name, username, wa_id, email, "
        "notes, "
        f"fields ON contacts BEGIN {delete} {insert} END"
    )
    op.execute(
        f"INSERT INTO contacts_fts(rowid, {_SQLITE_COLUMNS}) "
        f"SELECT c.id, {_SQLITE_DOC.format(p='c')} FROM contacts AS c"
    )


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        f"ALTER TABLE contacts ADD COLUMN search_text text GENERATED ALWAYS AS ({_PG_DOC}) STORED"
    )
    op.execute(
        # fastupdate off: a search never scans a pending list that grows between vacuums.
        "CREATE INDEX ix_contacts_search_text ON contacts USING gin (search_text gin_trgm_ops) "
        "WITH (fastupdate = off)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_contacts_search_tail")
    op.execute("DROP INDEX ix_contacts_search_key")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_contacts_search_text")
        op.execute("ALTER TABLE contacts DROP COLUMN search_text")
    else:
        for trigger in ("contacts_fts_ai", "contacts_fts_ad", "contacts_fts_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE contacts_fts")
    op.drop_index("ix_interactions_contact_id_id", table_name="interactions")
    op.drop_index("ix_interactions_agent_id_id", table_name="interactions")
    op.drop_index("ix_contact_merges_kept", table_name="contact_merges")
    op.drop_table("contact_merges")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("fields")
        batch.drop_column("notes")
        batch.drop_column("email")
