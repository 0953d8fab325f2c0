"""A customer's edit or deletion of an earlier message, applied to that message.

WhatsApp lets a customer edit a text for 15 minutes and delete a message for everyone; the
webhook names the original (`edit.original_message_id`, `revoke.original_message_id`).
Parley keeps one bubble: the latest text, marked `edited` (or `deleted`), each earlier version
in `content["history"]` (oldest first, `{"text", "content", "replaced_at"}`), so nothing the
customer said is lost to the agent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

Json = dict[str, Any]
MARKS = ("history", "edited", "edited_at", "deleted", "deleted_at", "edit_wamids")
# What stays on the message whatever the edit: how it reached us, not what it says.
KEPT = ("referral", "referred_product", "forwarded", "frequently_forwarded")


def _version(text: str | None, content: Json, at: datetime) -> Json:
    body = {key: value for key, value in content.items() if key not in MARKS}
    return {"text": text, "content": body, "replaced_at": at.isoformat()}


def already_applied(content: Json, change_wamid: str) -> bool:
    """True when this edit or deletion (by its own wamid) is already on the message."""
    return change_wamid in (content.get("edit_wamids") or [])


def apply_edit(
    text: str | None,
    content: Json,
    new_text: str | None,
    new_content: Json,
    at: datetime,
    change_wamid: str,
) -> tuple[str | None, Json]:
    """The message after an edit: `(text, content)`, the earlier version kept in its history."""
    history = [*content.get("history", []), _version(text, content, at)]
    kept = {key: content[key] for key in KEPT if key in content}
    edited: Json = {**new_content, **kept, "history": history, "edited": True}
    edited["edited_at"] = at.isoformat()
    edited["edit_wamids"] = [*content.get("edit_wamids", []), change_wamid]
    if content.get("deleted"):
        edited["deleted"], edited["deleted_at"] = True, content.get("deleted_at")
    return new_text, edited


def apply_revoke(
    text: str | None, content: Json, at: datetime, change_wamid: str
) -> tuple[str | None, Json]:
    """The message after the customer deleted it: no text, marked `deleted`, history kept."""
    history = [*content.get("history", []), _version(text, content, at)]
    kept = {key: content[key] for key in KEPT if key in content}
    deleted: Json = {**kept, "history": history, "deleted": True, "deleted_at": at.isoformat()}
    deleted["edit_wamids"] = [*content.get("edit_wamids", []), change_wamid]
    return None, deleted
