"""`GET /{waba-id}/message_templates`: filters, field selection and cursor paging (§6.1).

Cursors are opaque base64 strings; `next` is absent on the last page and `previous` on the
first, as Meta does.
"""

from __future__ import annotations

import base64
import copy
from typing import Any
from urllib.parse import urlencode

from .templates import Template, normalize_language

DEFAULT_FIELDS = ("name", "parameter_format", "components", "language", "status", "category")
MAX_LIMIT = 1000
TEMPLATE_LIMIT = 250


class ListingError(ValueError):
    """A bad listing query (becomes Graph error 100)."""


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"QVFIU:{index}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix != "QVFIU":
            raise ValueError(cursor)
        return int(number)
    except ValueError as exc:
        raise ListingError(f"Invalid cursor: {cursor}") from exc


def list_templates(
    templates: list[Template], query: dict[str, str], page_url: str
) -> dict[str, Any]:
    """Meta's paged answer for a `message_templates` query (`fields`, `limit`, `status`,
    `name`, `language`, `category`, `after`, `before`)."""
    selected = [t for t in templates if _matches(t, query)]
    try:
        limit = int(query.get("limit", "25"))
    except ValueError as exc:
        raise ListingError("Param limit must be an integer") from exc
    if not 0 < limit <= MAX_LIMIT:
        raise ListingError(f"Param limit must be between 1 and {MAX_LIMIT}")
    if "after" in query:
        start = _uncursor(query["after"]) + 1
    elif "before" in query:
        start = max(0, _uncursor(query["before"]) - limit)
    else:
        start = 0
    page = selected[start : start + limit]
    fields = _fields(query.get("fields"))
    body: dict[str, Any] = {"data": [_project(t, fields) for t in page]}
    if "summary" in query:
        body["summary"] = _summary(templates, selected, query["summary"])
    if not page:
        return body
    first, last = start, start + len(page) - 1
    paging: dict[str, Any] = {"cursors": {"before": _cursor(first), "after": _cursor(last)}}
    base = {k: v for k, v in query.items() if k not in ("after", "before")}
    if last + 1 < len(selected):
        paging["next"] = f"{page_url}?{urlencode({**base, 'after': _cursor(last)})}"
    if first > 0:
        paging["previous"] = f"{page_url}?{urlencode({**base, 'before': _cursor(first)})}"
    body["paging"] = paging
    return body


def _summary(templates: list[Template], selected: list[Template], wanted: str) -> dict[str, Any]:
    summary = {
        "total_count": len(selected),
        "message_template_count": len(templates),
        "message_template_limit": TEMPLATE_LIMIT,
        "are_translations_complete": True,
    }
    keys = {k.strip() for k in wanted.split(",") if k.strip()}
    return {k: v for k, v in summary.items() if not keys or k in keys}


def _text_of(template: Template) -> str:
    return " ".join(str(c.get("text", "")) for c in template.get("components", []))


def _matches(template: Template, query: dict[str, str]) -> bool:
    content = query.get("content", "").lower()
    if content and content not in _text_of(template).lower():
        return False
    either = query.get("name_or_content", "").lower()
    if either and either not in template["name"] and either not in _text_of(template).lower():
        return False
    if "status" in query:
        wanted = {s.strip().upper() for s in query["status"].split(",") if s.strip()}
        if template["status"] not in wanted:
            return False
    if "name" in query and query["name"].lower() not in template["name"]:
        return False
    if "language" in query:
        languages = {normalize_language(x.strip()) for x in query["language"].split(",")}
        if template["language"] not in languages:
            return False
    if "category" in query:
        categories = {x.strip().upper() for x in query["category"].split(",")}
        if template["category"] not in categories:
            return False
    return True


def _fields(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return DEFAULT_FIELDS
    return tuple(f.strip() for f in raw.split(",") if f.strip())


def _project(template: Template, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {f: copy.deepcopy(template[f]) for f in fields if f in template and f != "id"}
    out["id"] = template["id"]
    return out
