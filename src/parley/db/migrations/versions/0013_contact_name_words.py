"""contact name words: an index of the words of contacts' names, by prefix, accents ignored

A one-word query for a common name (`souza`) matches thousands of contacts; the trigram index
of 0009 finds them but cannot tell a name from an email or a company. This index holds only
the words of the name, profile name and username, folded to lower case without accents
(`João` is `joao`), and answers "a word of the name starts with …" in index order, so a page
of results costs the same however many contacts share the word.

SQLite: an FTS5 table (unicode61 tokenizer, diacritics removed, prefix indexes of 1 to 3
characters), contentless, fed by triggers on `contacts`. PostgreSQL: a generated `tsvector`
column (`simple` configuration over the same folded words) with a GIN index; `unaccent`
comes from the contrib extension of that name, wrapped in an immutable function so a
generated column may use it. The display-name index gains the id on PostgreSQL, so results
come in (name, id) order straight from it. Both are left out of the models (parley.db.migrate.SEARCH_OBJECTS).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_DOC = "coalesce({p}.name, '') || ' ' || coalesce({p}.profile_name, '') || ' ' || coalesce({p}.username, '')"
# Punctuation becomes a space before PostgreSQL's parser sees the text, so `ana.souza` and
# `ana_souza` are two words there as they are for SQLite's unicode61 tokenizer.
_PG_DOC = (
    "to_tsvector('simple'::regconfig, regexp_replace(parley_unaccent(lower("
    "coalesce(name, '') || ' ' || coalesce(profile_name, '') || ' ' || coalesce(username, ''))),"
    " '[^[:alnum:]]+', ' ', 'g'))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE contacts_words USING fts5(names, content='', detail='none', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    new, old = _SQLITE_DOC.format(p="new"), _SQLITE_DOC.format(p="old")
    delete = f"INSERT INTO contacts_words(contacts_words, rowid, names) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO contacts_words(rowid, names) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER contacts_words_ai AFTER INSERT ON contacts BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER contacts_words_ad AFTER DELETE ON contacts BEGIN {delete} END")
    op.execute(
        "CREATE TRIGGER contacts_words_au AFTER UPDATE OF name, profile_name, username "
        f"ON contacts BEGIN {delete} {insert} END"
    )
    op.execute(
        "INSERT INTO contacts_words(rowid, names) "
        f"SELECT c.id, {_SQLITE_DOC.format(p='c')} FROM contacts AS c"
    )


_KEY = "lower(coalesce(name, profile_name, wa_id, ''))"


def _upgrade_postgresql() -> None:
    # Results come by display name, then id: with the id in the index, PostgreSQL reads them in
    # that order instead of sorting every name that starts with the query (SQLite's indexes
    # end with the rowid already).
    op.execute("DROP INDEX ix_contacts_search_key")
    op.execute(f"CREATE INDEX ix_contacts_search_key ON contacts ({_KEY}, id)")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        .scalar_one()
    )
    # unaccent() is only STABLE (its dictionary could change); naming the dictionary makes the
    # result fixed, which a generated column needs.
    op.execute(
        "CREATE FUNCTION parley_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
        f"PARALLEL SAFE AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    op.execute(
        f"ALTER TABLE contacts ADD COLUMN search_names tsvector GENERATED ALWAYS AS ({_PG_DOC}) "
        "STORED"
    )
    op.execute(
        # fastupdate off: a search never scans a pending list that grows between vacuums.
        "CREATE INDEX ix_contacts_search_names ON contacts USING gin (search_names) "
        "WITH (fastupdate = off)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_contacts_search_names")
        op.execute("ALTER TABLE contacts DROP COLUMN search_names")
        op.execute("DROP FUNCTION parley_unaccent(text)")
        op.execute("DROP INDEX ix_contacts_search_key")
        op.execute(f"CREATE INDEX ix_contacts_search_key ON contacts ({_KEY})")
    else:
        for trigger in ("contacts_words_ai", "contacts_words_ad", "contacts_words_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE contacts_words")
