"""The audit log as CSV: spreadsheet-safe cells, one row per entry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import orjson

from parley.audit.schemas import AuditEntryOut

HEADER = ("id", "at", "actor_username", "actor_name", "action", "subject_type", "subject_id",
          "summary", "detail")  # fmt: skip
# A cell a spreadsheet would run as a formula (OWASP's "CSV injection"): these first characters
# make Excel, LibreOffice and Sheets evaluate it; tab and carriage return hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value`, with a leading ' when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_rows(entries: Iterable[AuditEntryOut], *, header: bool) -> str:
    """The entries as CSV text (RFC 4180 quoting, CRLF line ends), the header first if asked."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(HEADER)
    for e in entries:
        cells = (
            str(e.id),
            e.at.isoformat(),
            e.actor.username if e.actor else "",
            e.actor.name if e.actor else "",
            e.action,
            e.subject_type,
            e.subject_id,
            e.summary,
            orjson.dumps(e.detail, option=orjson.OPT_SORT_KEYS).decode(),
        )
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()
