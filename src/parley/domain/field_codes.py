"""Field codes in standard responses: `{{contact.name}}` filled with the conversation's data.

A field code is a dotted name between double braces, e.g. `Hello {{contact.first_name}}`.
The dot keeps them apart from WhatsApp template parameters (`{{1}}`, `{{first_name}}`), which
never contain one. Dates and times are written in the agent's locale (`en_US`, `pt_BR`, …,
through Babel's CLDR data) and time zone (an IANA name such as `America/Sao_Paulo`).

| code | value |
|---|---|
| `contact.name`, `contact.first_name`, `contact.last_name` | the contact's name (edited, else profile) |
| `contact.phone` | `+` and the wa_id |
| `agent.name`, `agent.first_name` | the agent's display name |
| `interaction.id` | the interaction's number |
| `interaction.started` | when the interaction was created: date and time |
| `date.today` | today's date, long (`May 13, 2020`) |
| `date.full` | weekday and date (`Wednesday, May 13, 2020`) |
| `time.now` | the time (`4:57 PM`) |
| `datetime.now` | date, time and zone (`Wednesday, May 13, 2020 4:57:21 PM PDT`) |

A code with no value (a contact without a name) becomes an empty string and is listed in
`missing`; an unknown code stays as written and is listed in `unknown`, so the agent sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

FIELD_CODE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)+)\s*\}\}")
DEFAULT_LOCALE = "en_US"
DEFAULT_TIME_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class FieldContext:
    """What a field code may show. `now` and `started_at` are aware datetimes (any zone)."""

    now: datetime
    contact_name: str | None = None
    contact_wa_id: str | None = None
    agent_name: str | None = None
    interaction_id: int | None = None
    started_at: datetime | None = None
    locale: str = DEFAULT_LOCALE
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True, slots=True)
class Filled:
    """The text with its codes replaced; `missing` had no value, `unknown` are not codes we know."""

    text: str
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def locale_or_default(value: str | None) -> str:
    """A locale Babel knows (`pt-BR` and `pt_BR` both work), else `en_US`."""
    if not value:
        return DEFAULT_LOCALE
    try:
        return str(Locale.parse(value.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LOCALE


def zone_or_default(value: str | None) -> str:
    """An IANA time zone name that exists, else `UTC`."""
    if not value:
        return DEFAULT_TIME_ZONE
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_TIME_ZONE
    return value


def _split(name: str | None) -> tuple[str | None, str | None]:
    parts = (name or "").split()
    if not parts:
        return None, None
    return parts[0], " ".join(parts[1:]) or None


def _local(ctx: FieldContext, moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone_or_default(ctx.time_zone)))


def field_values(ctx: FieldContext) -> dict[str, Callable[[], str | None]]:
    """Every known code and how to compute its value (None: no value)."""
    locale = locale_or_default(ctx.locale)
    now = _local(ctx, ctx.now)
    first, last = _split(ctx.contact_name)
    agent_first, _ = _split(ctx.agent_name)

    def stamp(moment: datetime) -> str:
        return f"{format_date(moment, 'long', locale=locale)} {format_time(moment, 'short', locale=locale)}"

    return {
        "contact.name": lambda: (ctx.contact_name or "").strip() or None,
        "contact.first_name": lambda: first,
        "contact.last_name": lambda: last,
        "contact.phone": lambda: f"+{ctx.contact_wa_id}" if ctx.contact_wa_id else None,
        "agent.name": lambda: (ctx.agent_name or "").strip() or None,
        "agent.first_name": lambda: agent_first,
        "interaction.id": lambda: str(ctx.interaction_id) if ctx.interaction_id else None,
        "interaction.started": lambda: (
            stamp(_local(ctx, ctx.started_at)) if ctx.started_at else None
        ),
        "date.today": lambda: format_date(now, "long", locale=locale),
        "date.full": lambda: format_date(now, "full", locale=locale),
        "time.now": lambda: format_time(now, "short", locale=locale),
        "datetime.now": lambda: (
            f"{format_date(now, 'full', locale=locale)} "
            f"{format_time(now, 'long', tzinfo=now.tzinfo, locale=locale)}"
        ),
    }


KNOWN_CODES = tuple(field_values(FieldContext(now=datetime(2000, 1, 1, tzinfo=UTC))))


def fill_field_codes(text: str, ctx: FieldContext) -> Filled:
    """Replace each `{{code}}` in `text`; see the module docstring for the codes."""
    values = field_values(ctx)
    missing: list[str] = []
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        compute = values.get(code)
        if compute is None:
            if code not in unknown:
                unknown.append(code)
            return match.group(0)
        value = compute()
        if value is None:
            if code not in missing:
                missing.append(code)
            return ""
        return value

    return Filled(FIELD_CODE.sub(replace, text), missing, unknown)


def codes_in(text: str) -> list[str]:
    """The field codes `text` uses, in order, each once."""
    seen: list[str] = []
    for code in FIELD_CODE.findall(text):
        if code not in seen:
            seen.append(code)
    return seen
