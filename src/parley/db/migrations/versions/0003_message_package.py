"""the message package: contacts.user_id is the BSUID, outbox rows carry typed contents

Revision ID: 0003
Revises: 0002
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("state", sa.String()),
    sa.column("payload", sa.JSON()),
)
WAITING = ("pending", "sending")


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("uq_contacts_user_id", type_="unique")
        batch.alter_column("user_id", new_column_name="bsuid")
    with op.batch_alter_table("contacts") as batch:
        batch.create_unique_constraint("uq_contacts_bsuid", ["bsuid"])
    _rewrite_waiting(_typed)


def downgrade() -> None:
    _rewrite_waiting(_untyped)
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("uq_contacts_bsuid", type_="unique")
        batch.alter_column("bsuid", new_column_name="user_id")
    with op.batch_alter_table("contacts") as batch:
        batch.create_unique_constraint("uq_contacts_user_id", ["user_id"])


def _rewrite_waiting(convert: Any) -> None:
    """Messages still waiting to be sent keep their place in the queue, in the new shape."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_outbox.c.id, _outbox.c.payload).where(
            _outbox.c.kind == "message", _outbox.c.state.in_(WAITING)
        )
    ).all()
    for row_id, payload in rows:
        value = json.loads(payload) if isinstance(payload, str) else payload
        converted = convert(value)
        if converted is not None:
            connection.execute(
                sa.update(_outbox).where(_outbox.c.id == row_id).values(payload=converted)
            )


def _typed(payload: dict[str, Any]) -> dict[str, Any] | None:
    if "content" in payload:
        return None
    kind, body = payload.get("type"), payload.get("body") or {}
    if kind == "text":
        content = {"type": "text", "body": body.get("body", ""), "preview_url": True}
    elif kind == "reaction":
        content = {"type": "reaction", "message_id": body.get("message_id", ""), "emoji": ""}
        content["emoji"] = body.get("emoji", "")
    else:
        return None
    return {"content": content, "context": payload.get("context")}


def _untyped(payload: dict[str, Any]) -> dict[str, Any] | None:
    content = payload.get("content")
    if not isinstance(content, dict) or content.get("type") not in ("text", "reaction"):
        return None
    kind = content["type"]
    body = {k: v for k, v in content.items() if k != "type"}
    return {"type": kind, "body": body, "context": payload.get("context")}
