"""Checks for `type: interactive` sends: reply buttons, lists and CTA URLs (WHATSAPP.md §4.1)."""

from __future__ import annotations

from typing import Any

from .errors import GraphError

OTHER_KINDS = frozenset(
    {
        "location_request_message",
        "flow",
        "address_message",
        "product",
        "product_list",
        "catalog_message",
        "voice_call",
        "contact_request",
    }
)
HEADER_KINDS = {
    "button": {"text", "image", "video", "document"},
    "cta_url": {"text", "image", "video", "document"},
    "list": {"text"},
}


def _text(obj: Any, key: str, limit: int, where: str, *, required: bool = True) -> str | None:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None:
        if required:
            raise GraphError(131008, f"Parameter '{where}' is required.")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise GraphError(131009, f"Parameter '{where}' must be a non-empty string.")
    if len(value) > limit:
        raise GraphError(131009, f"Parameter '{where}' is too long (max {limit} characters).")
    return value


def check_interactive(obj: dict[str, Any]) -> None:
    """Raise Meta's error if an interactive object breaks a documented limit."""
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise GraphError(131008, "Parameter 'interactive.type' is required.")
    if kind in OTHER_KINDS:
        return
    if kind not in HEADER_KINDS:
        raise GraphError(131009, f"Interactive type '{kind}' is not valid.")
    body_limit = 4096 if kind == "list" else 1024
    _text(obj.get("body"), "text", body_limit, "interactive.body.text")
    _text(obj.get("footer"), "text", 60, "interactive.footer.text", required=False)
    _check_header(kind, obj.get("header"))
    action = obj.get("action")
    if not isinstance(action, dict):
        raise GraphError(131008, "Parameter 'interactive.action' is required.")
    if kind == "button":
        _check_buttons(action)
    elif kind == "list":
        _check_list(action)
    else:
        _check_cta(action)


def _check_header(kind: str, header: Any) -> None:
    if header is None:
        return
    kind_of_header = header.get("type") if isinstance(header, dict) else None
    if not isinstance(kind_of_header, str) or kind_of_header not in HEADER_KINDS[kind]:
        allowed = ", ".join(sorted(HEADER_KINDS[kind]))
        raise GraphError(131009, f"Interactive {kind} header type must be one of: {allowed}.")
    if kind_of_header == "text":
        _text(header, "text", 60, "interactive.header.text")
    elif not isinstance(header.get(kind_of_header), dict):
        raise GraphError(131008, f"Parameter 'interactive.header.{kind_of_header}' is required.")


def _check_buttons(action: dict[str, Any]) -> None:
    items = action.get("buttons")
    if not isinstance(items, list) or not items:
        raise GraphError(131008, "Parameter 'interactive.action.buttons' is required.")
    if len(items) > 3:
        raise GraphError(131009, "Interactive button messages allow at most 3 buttons.")
    titles: set[str] = set()
    ids: set[str] = set()
    for item in items:
        reply = item.get("reply") if isinstance(item, dict) else None
        if not isinstance(item, dict) or item.get("type") != "reply" or not isinstance(reply, dict):
            raise GraphError(131009, "Each button must be {type: reply, reply: {id, title}}.")
        title = _text(reply, "title", 20, "button.reply.title")
        button_id = _text(reply, "id", 256, "button.reply.id")
        if title in titles or button_id in ids:
            raise GraphError(131009, "Button titles and ids must be unique.")
        titles.add(str(title))
        ids.add(str(button_id))


def _check_list(action: dict[str, Any]) -> None:
    _text(action, "button", 20, "interactive.action.button")
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise GraphError(131008, "Parameter 'interactive.action.sections' is required.")
    if len(sections) > 10:
        raise GraphError(131009, "Interactive lists allow at most 10 sections.")
    row_ids: set[str] = set()
    total = 0
    for section in sections:
        if not isinstance(section, dict):
            raise GraphError(131009, "Each section must be an object.")
        _text(section, "title", 24, "section.title", required=len(sections) > 1)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise GraphError(131008, "Parameter 'section.rows' is required.")
        for row in rows:
            if not isinstance(row, dict):
                raise GraphError(131009, "Each row must be an object.")
            row_id = _text(row, "id", 200, "row.id")
            _text(row, "title", 24, "row.title")
            _text(row, "description", 72, "row.description", required=False)
            if row_id in row_ids:
                raise GraphError(131009, "Row ids must be unique.")
            row_ids.add(str(row_id))
        total += len(rows)
    if total > 10:
        raise GraphError(131009, "Interactive lists allow at most 10 rows in total.")


def _check_cta(action: dict[str, Any]) -> None:
    if action.get("name") != "cta_url":
        raise GraphError(131009, "Parameter 'interactive.action.name' must be 'cta_url'.")
    params = action.get("parameters")
    if not isinstance(params, dict):
        raise GraphError(131008, "Parameter 'interactive.action.parameters' is required.")
    _text(params, "display_text", 20, "action.parameters.display_text")
    url = _text(params, "url", 2000, "action.parameters.url")
    if not str(url).startswith(("http://", "https://")):
        raise GraphError(131009, "Parameter 'action.parameters.url' must be an http(s) URL.")
