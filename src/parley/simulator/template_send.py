"""Checks a `type: template` send against the stored templates and fills it in.

Errors follow WHATSAPP.md §6.3: unknown name or language, or not approved → 132001;
paused → 132015; disabled → 132016; wrong parameter count → 132000; wrong parameter type
→ 132012; filled body over 1024 characters → 132005.
"""

from __future__ import annotations

from typing import Any

from .errors import GraphError
from .templates import (
    Template,
    buttons,
    component,
    named_params,
    normalize_language,
    positional_count,
)

TEXT_PARAM_TYPES = frozenset({"text", "currency", "date_time"})
HEADER_MEDIA_FORMATS = frozenset({"IMAGE", "VIDEO", "DOCUMENT", "LOCATION"})
MAX_BODY = 1024


def find_template(templates: list[Template], obj: dict[str, Any]) -> Template:
    """The template a send names, or the Meta error for a missing or unusable one."""
    name = obj.get("name")
    language = obj.get("language")
    if not isinstance(name, str) or not name:
        raise GraphError(131008, "Parameter 'name' is required in 'template'.")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str) or not code:
        raise GraphError(131008, "Parameter 'language.code' is required in 'template'.")
    code = normalize_language(code)
    same_name = [t for t in templates if t["name"] == name]
    found = next((t for t in same_name if t["language"] == code), None)
    if found is None:
        raise GraphError(132001, f"template name ({name}) does not exist in {code}")
    status = found["status"]
    if status == "PAUSED":
        raise GraphError(132015, f"Template {name} is paused due to low quality.")
    if status == "DISABLED":
        raise GraphError(132016, f"Template {name} has been disabled.")
    if status != "APPROVED":
        raise GraphError(132001, f"template name ({name}) is not approved (status {status})")
    return found


def fill_template(template: Template, obj: dict[str, Any]) -> dict[str, Any]:
    """Check the send's components against `template`; return the filled message as the
    customer sees it: `{header, header_media, body, footer, buttons}`."""
    given = obj.get("components", [])
    if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
        raise GraphError(131009, "Parameter 'components' must be an array of objects.")
    by_type: dict[str, list[dict[str, Any]]] = {}
    for comp in given:
        kind = str(comp.get("type", "")).lower()
        if kind not in ("header", "body", "button"):
            raise GraphError(131009, f"Unknown component type '{comp.get('type')}'.")
        by_type.setdefault(kind, []).append(comp)
    header, header_media = _fill_header(template, by_type.get("header", []))
    body = _fill_body(template, by_type.get("body", []))
    if len(body) > MAX_BODY:
        raise GraphError(132005, f"The filled template body is {len(body)} characters long.")
    footer = component(template, "FOOTER")
    return {
        "header": header,
        "header_media": header_media,
        "body": body,
        "footer": footer.get("text") if footer else None,
        "buttons": _fill_buttons(template, by_type.get("button", [])),
    }


def _params(comp: dict[str, Any]) -> list[dict[str, Any]]:
    params = comp.get("parameters", [])
    if not isinstance(params, list) or not all(isinstance(p, dict) for p in params):
        raise GraphError(131009, "Parameter 'parameters' must be an array of objects.")
    return params


def _text_value(param: dict[str, Any]) -> str:
    kind = param.get("type")
    if not isinstance(kind, str) or kind not in TEXT_PARAM_TYPES:
        raise GraphError(132012, f"Parameter of type '{kind}' where text was expected.")
    if kind == "text":
        value = param.get("text")
        if not isinstance(value, str):
            raise GraphError(131008, "Parameter 'text' is required for a text parameter.")
        return value
    inner = param.get(str(kind))
    fallback = inner.get("fallback_value") if isinstance(inner, dict) else None
    if not isinstance(fallback, str):
        raise GraphError(131008, f"Parameter '{kind}.fallback_value' is required.")
    return fallback


def _fill_header(
    template: Template, comps: list[dict[str, Any]]
) -> tuple[str | None, dict[str, Any] | None]:
    spec = component(template, "HEADER")
    params = [p for c in comps for p in _params(c)]
    if spec is None:
        if params:
            raise GraphError(132000, "The template has no header, but header parameters were sent.")
        return None, None
    fmt = spec.get("format", "TEXT")
    if fmt in HEADER_MEDIA_FORMATS:
        if len(params) != 1:
            raise GraphError(132000, f"The header expects 1 {fmt.lower()} parameter.")
        param = params[0]
        if param.get("type") != fmt.lower() or not isinstance(param.get(fmt.lower()), dict):
            raise GraphError(132012, f"The header expects a parameter of type {fmt.lower()}.")
        return None, {"type": fmt.lower(), **param[fmt.lower()]}
    text = str(spec.get("text", ""))
    expected = positional_count(text)
    if len(params) != expected:
        raise GraphError(
            132000, f"The header expects {expected} parameters, {len(params)} were sent."
        )
    for index, param in enumerate(params, start=1):
        text = text.replace(f"{{{{{index}}}}}", _text_value(param))
    return text, None


def _fill_body(template: Template, comps: list[dict[str, Any]]) -> str:
    spec = component(template, "BODY")
    text = str(spec.get("text", "")) if spec else ""
    params = [p for c in comps for p in _params(c)]
    if template.get("parameter_format") == "NAMED":
        wanted = named_params(text)
        values: dict[str, str] = {}
        for param in params:
            name = param.get("parameter_name")
            if not isinstance(name, str):
                raise GraphError(131008, "Parameter 'parameter_name' is required.")
            values[name] = _text_value(param)
        if sorted(values) != sorted(wanted):
            raise GraphError(
                132000, f"Expected the named parameters {', '.join(wanted) or '(none)'}."
            )
        for name, value in values.items():
            text = text.replace(f"{{{{{name}}}}}", value)
        return text
    expected = positional_count(text)
    if len(params) != expected:
        raise GraphError(
            132000, f"The body expects {expected} parameters, {len(params)} were sent."
        )
    for index, param in enumerate(params, start=1):
        text = text.replace(f"{{{{{index}}}}}", _text_value(param))
    return text


def _fill_buttons(template: Template, comps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = buttons(template)
    given: dict[int, dict[str, Any]] = {}
    for comp in comps:
        try:
            index = int(comp.get("index", -1))
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(spec):
            raise GraphError(131009, f"Button index {comp.get('index')} is out of range.")
        sub_type = str(comp.get("sub_type", "")).lower()
        if sub_type != str(spec[index]["type"]).lower():
            raise GraphError(131009, f"Button {index} is a {spec[index]['type']} button.")
        given[index] = comp
    filled = []
    for index, button in enumerate(spec):
        kind = str(button["type"]).lower()
        out: dict[str, Any] = {"kind": kind, "title": button.get("text", ""), "index": index}
        params = _params(given[index]) if index in given else []
        if kind == "quick_reply":
            payload = params[0].get("payload") if params else None
            out["payload"] = payload if isinstance(payload, str) else out["title"]
        elif kind == "url":
            url = str(button.get("url", ""))
            if positional_count(url):
                if len(params) != 1:
                    raise GraphError(132000, f"URL button {index} expects 1 parameter.")
                url = url.replace("{{1}}", _text_value(params[0]))
            out["url"] = url
        elif kind == "phone_number":
            out["phone_number"] = button.get("phone_number", "")
        filled.append(out)
    return filled
