"""WhatsApp message templates: their parameters, their rendering, and Meta's send components.

A template is kept as Meta lists it (`GET /{waba-id}/message_templates`, WHATSAPP.md §6.1):
`components` of type `HEADER` (`format` TEXT/IMAGE/VIDEO/DOCUMENT/…), `BODY`, `FOOTER` and
`BUTTONS`. Parameters are positional (`{{1}}`, `{{2}}`…) or, with `parameter_format: NAMED`,
named (`{{first_name}}`).

Parameter values travel as one flat mapping, keyed by where they go:

| key | goes to |
|---|---|
| `1`, `2`, … or `first_name`, … | the body |
| `header.1` or `header.<name>` | a text header's parameter |
| `header.media` | a media header: a link (`https://…`) or a Cloud API media id |
| `button.<index>` | the URL suffix (URL button) or the code (COPY_CODE) of the button at 0-based `index` |

Limits (§6.2; errors 132000/132005 at Meta): the filled body is at most 1024 characters and
the filled header 60; every parameter needs a non-blank value; a body or header value may not
hold a new line or tab (Meta refuses them, 132018).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

BODY_LIMIT = 1024
HEADER_LIMIT = 60
FOOTER_LIMIT = 60
PARAM_LIMIT = 1024  # a single value can never be longer than the body it fills

_PARAM = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
MEDIA_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT")
Where = Literal["header", "body", "button"]
Json = dict[str, Any]


class TemplateError(ValueError):
    """Values that cannot fill the template; `code` names the rule, `fields` the keys at fault."""

    def __init__(self, message: str, code: str, fields: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or []


@dataclass(frozen=True, slots=True)
class TemplateParameter:
    """One value the template needs: `key` as in the module table, `example` from Meta."""

    key: str
    where: Where
    name: str
    example: str | None = None
    button_index: int | None = None


@dataclass(frozen=True, slots=True)
class RenderedButton:
    type: str
    text: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """The message as the customer's phone shows it."""

    body: str
    header: str | None = None
    header_format: str | None = None
    header_media: str | None = None
    footer: str | None = None
    buttons: list[RenderedButton] = field(default_factory=list)


def _component(template: Mapping[str, Any], kind: str) -> Json | None:
    for comp in template.get("components") or []:
        if isinstance(comp, dict) and str(comp.get("type", "")).upper() == kind:
            return comp
    return None


def _buttons(template: Mapping[str, Any]) -> list[Json]:
    comp = _component(template, "BUTTONS")
    items = comp.get("buttons") if comp else None
    return [b for b in items or [] if isinstance(b, dict)]


def is_named(template: Mapping[str, Any]) -> bool:
    return str(template.get("parameter_format", "POSITIONAL")).upper() == "NAMED"


def _names(text: str, named: bool) -> list[str]:
    """The parameter names of a text in order: `1..n` (positional, up to the highest) or names."""
    found = _PARAM.findall(text)
    if not named:
        highest = max((int(n) for n in found if n.isdigit()), default=0)
        return [str(i) for i in range(1, highest + 1)]
    seen: list[str] = []
    for name in found:
        if name not in seen:
            seen.append(name)
    return seen


def _examples(comp: Json, named: bool, kind: str) -> dict[str, str]:
    example = comp.get("example") if isinstance(comp.get("example"), dict) else {}
    assert isinstance(example, dict)
    if named:
        rows = example.get(f"{kind}_text_named_params") or []
        return {
            str(r.get("param_name")): str(r.get("example"))
            for r in rows
            if isinstance(r, dict) and r.get("param_name")
        }
    values = example.get(f"{kind}_text") or []
    if values and isinstance(values[0], list):  # body_text is a list of rows
        values = values[0]
    return {str(i + 1): str(v) for i, v in enumerate(values)}


def template_parameters(template: Mapping[str, Any]) -> list[TemplateParameter]:
    """Every parameter the template needs, header first, then body, then buttons."""
    named = is_named(template)
    params: list[TemplateParameter] = []
    header = _component(template, "HEADER")
    if header is not None:
        fmt = str(header.get("format", "TEXT")).upper()
        if fmt == "TEXT":
            examples = _examples(header, named, "header")
            for name in _names(str(header.get("text", "")), named):
                params.append(
                    TemplateParameter(f"header.{name}", "header", name, examples.get(name))
                )
        elif fmt in MEDIA_FORMATS:
            handles = (header.get("example") or {}).get("header_handle") or [None]
            params.append(TemplateParameter("header.media", "header", "media", handles[0]))
    body = _component(template, "BODY")
    if body is not None:
        examples = _examples(body, named, "body")
        for name in _names(str(body.get("text", "")), named):
            params.append(TemplateParameter(name, "body", name, examples.get(name)))
    for index, button in enumerate(_buttons(template)):
        kind = str(button.get("type", "")).upper()
        if kind == "URL" and _PARAM.search(str(button.get("url", ""))):
            example = (button.get("example") or [None])[0]
            params.append(TemplateParameter(f"button.{index}", "button", "url", example, index))
        elif kind == "COPY_CODE":
            example = button.get("example")
            code = example[0] if isinstance(example, list) and example else example
            params.append(
                TemplateParameter(
                    f"button.{index}", "button", "code", str(code) if code else None, index
                )
            )
    return params


def _fill(text: str, values: Mapping[str, str], prefix: str = "") -> str:
    return _PARAM.sub(lambda m: values.get(prefix + m.group(1), m.group(0)), text)


def _put(text: str, value: str) -> str:
    """Every parameter of `text` replaced by `value` (a URL button has one, at its end)."""
    return _PARAM.sub(lambda _m: value, text)


def check_values(template: Mapping[str, Any], values: Mapping[str, str]) -> None:
    """Exactly the template's parameters, each non-blank; raises TemplateError otherwise."""
    params = template_parameters(template)
    wanted = {p.key: p for p in params}
    unknown = [k for k in values if k not in wanted]
    if unknown:
        raise TemplateError(
            f"The template has no parameter {', '.join(unknown)}.",
            "unknown_parameter",
            [{"field": k, "message": "not a parameter of this template"} for k in unknown],
        )
    missing = [k for k in wanted if not str(values.get(k, "")).strip()]
    if missing:
        one = len(missing) == 1
        raise TemplateError(
            f"Fill in every parameter: {', '.join(missing)} {'is' if one else 'are'} empty.",
            "parameter_missing",
            [{"field": k, "message": "a value is required"} for k in missing],
        )
    for key, param in wanted.items():
        value = values[key]
        if len(value) > PARAM_LIMIT:
            raise TemplateError(
                f"Parameter {key} is longer than {PARAM_LIMIT} characters.",
                "parameter_too_long",
                [{"field": key, "message": "too long"}],
            )
        if param.where != "button" and param.key != "header.media" and _refused(value):
            raise TemplateError(
                f"Parameter {key} may not contain a new line, a tab or more than 4 spaces in a "
                "row (WhatsApp refuses them).",
                "parameter_invalid",
                [{"field": key, "message": "no new lines, tabs or 5 spaces in a row"}],
            )


def _refused(value: str) -> bool:
    """Meta's rule for text parameters: no new line, no tab, no more than 4 consecutive spaces
    (error 132012 / 131008 otherwise; WhatsApp Cloud API, "Template messages")."""
    return re.search(r"[\n\t]| {5,}", value) is not None


def render_template(template: Mapping[str, Any], values: Mapping[str, str]) -> Rendered:
    """The filled template; checks the values (see `check_values`) and Meta's length limits."""
    check_values(template, values)
    header = _component(template, "HEADER")
    header_text = header_media = header_format = None
    if header is not None:
        header_format = str(header.get("format", "TEXT")).upper()
        if header_format == "TEXT":
            header_text = _fill(str(header.get("text", "")), values, "header.")
            if len(header_text) > HEADER_LIMIT:
                raise TemplateError(
                    f"The filled header has {len(header_text)} characters; WhatsApp allows "
                    f"{HEADER_LIMIT}.",
                    "header_too_long",
                )
        else:
            header_media = values.get("header.media")
    body_comp = _component(template, "BODY")
    body = _fill(str(body_comp.get("text", "")), values) if body_comp else ""
    if len(body) > BODY_LIMIT:
        raise TemplateError(
            f"The filled body has {len(body)} characters; WhatsApp allows {BODY_LIMIT}.",
            "body_too_long",
        )
    footer_comp = _component(template, "FOOTER")
    footer = str(footer_comp.get("text", "")) if footer_comp else None
    buttons: list[RenderedButton] = []
    for index, button in enumerate(_buttons(template)):
        url = button.get("url")
        suffix = values.get(f"button.{index}", "")
        filled_url = _put(str(url), suffix) if url else None
        buttons.append(
            RenderedButton(str(button.get("type", "")), str(button.get("text", "")), filled_url)
        )
    return Rendered(body, header_text, header_format, header_media, footer, buttons)


def _text_param(value: str, name: str | None) -> Json:
    param: Json = {"type": "text", "text": value}
    if name is not None:
        param["parameter_name"] = name
    return param


def send_components(template: Mapping[str, Any], values: Mapping[str, str]) -> list[Json]:
    """Meta's `template.components` for a send (§6.3), from checked values; empty when the
    template has no parameters (Meta: omit components)."""
    check_values(template, values)
    named = is_named(template)
    params = template_parameters(template)
    components: list[Json] = []
    header = [p for p in params if p.where == "header"]
    if header and header[0].key == "header.media":
        header_comp = _component(template, "HEADER") or {}
        kind = str(header_comp.get("format", "IMAGE")).lower()
        value = values["header.media"]
        media: Json = (
            {"link": value} if value.startswith(("http://", "https://")) else {"id": value}
        )
        components.append({"type": "header", "parameters": [{"type": kind, kind: media}]})
    elif header:
        components.append(
            {
                "type": "header",
                "parameters": [
                    _text_param(values[p.key], p.name if named else None) for p in header
                ],
            }
        )
    body = [p for p in params if p.where == "body"]
    if body:
        components.append(
            {
                "type": "body",
                "parameters": [_text_param(values[p.key], p.name if named else None) for p in body],
            }
        )
    for p in params:
        if p.where != "button":
            continue
        if p.name == "code":
            param: Json = {"type": "coupon_code", "coupon_code": values[p.key]}
            sub_type = "copy_code"
        else:
            param, sub_type = {"type": "text", "text": values[p.key]}, "url"
        components.append(
            {
                "type": "button",
                "sub_type": sub_type,
                "index": str(p.button_index),
                "parameters": [param],
            }
        )
    return components


def approved(template: Mapping[str, Any]) -> bool:
    """Only APPROVED templates may be sent (§6.2)."""
    return str(template.get("status", "")).upper() == "APPROVED"
