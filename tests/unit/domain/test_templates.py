"""Template parameters, rendering and send components, with Meta's limits (WHATSAPP.md §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.domain.templates import (
    BODY_LIMIT,
    HEADER_LIMIT,
    TemplateError,
    approved,
    render_template,
    send_components,
    template_parameters,
)
from parley.domain.window import window_allows, window_open
from parley.simulator.templates import seed_templates


def seeded(name: str) -> dict[str, Any]:
    return next(t for t in seed_templates() if t["name"] == name)


PAYMENT = {
    "1": "Masha Ivanova",
    "2": "flowers",
    "3": "$10",
    "4": "credit",
    "5": "Wednesday, May 13, 2020 4:57:21 PM PDT",
}


def test_positional_parameters_come_with_meta_examples() -> None:
    params = template_parameters(seeded("payment_confirmation"))
    assert [p.key for p in params] == ["1", "2", "3", "4", "5"]
    assert params[0].example == "Masha Ivanova" and params[0].where == "body"


def test_the_help_pages_payment_confirmation_renders() -> None:
    rendered = render_template(seeded("payment_confirmation"), PAYMENT)
    assert rendered.body == (
        "Hello Masha Ivanova.\nHave you ordered flowers?\nIf yes, please, confirm $10 payment "
        "issued to your credit card.\nWe will send you Wednesday, May 13, 2020 4:57:21 PM PDT."
        "\nThanks, Masha Ivanova."
    )
    assert rendered.footer == "Parley Store"
    assert [b.text for b in rendered.buttons] == ["Confirm payment", "Talk to an agent"]


def test_send_components_carry_exactly_the_values_in_order() -> None:
    components = send_components(seeded("payment_confirmation"), PAYMENT)
    assert components == [
        {"type": "body", "parameters": [{"type": "text", "text": v} for v in PAYMENT.values()]}
    ]


def test_named_parameters_render_and_send_with_their_names() -> None:
    template = seeded("order_shipped")
    assert [p.key for p in template_parameters(template)] == [
        "first_name",
        "order_id",
        "delivery_date",
    ]
    values = {"delivery_date": "May 14", "first_name": "Ana", "order_id": "#2291"}
    rendered = render_template(template, values)
    assert rendered.body.startswith("Hi Ana, your order #2291 has shipped")
    [body] = send_components(template, values)
    assert body["parameters"][0] == {"type": "text", "text": "Ana", "parameter_name": "first_name"}


def test_header_body_footer_and_url_button() -> None:
    template = seeded("order_delay_notice")
    keys = [p.key for p in template_parameters(template)]
    assert keys == ["header.1", "1", "2", "button.1"]
    values = {"header.1": "#2291", "1": "Ana", "2": "3", "button.1": "2291"}
    rendered = render_template(template, values)
    assert rendered.header == "Pedido #2291"
    assert rendered.body == "Olá Ana, seu pedido atrasou 3 dias."
    assert rendered.buttons[1].url == "https://shop.example/t/2291"
    components = send_components(template, values)
    assert components[0] == {"type": "header", "parameters": [{"type": "text", "text": "#2291"}]}
    assert components[2] == {
        "type": "button",
        "sub_type": "url",
        "index": "1",
        "parameters": [{"type": "text", "text": "2291"}],
    }


def test_media_header_takes_a_link_or_a_media_id() -> None:
    template = seeded("delivery_photo")
    assert template_parameters(template)[0].key == "header.media"
    by_link = send_components(template, {"header.media": "https://x.example/p.jpg", "1": "Home"})
    assert by_link[0]["parameters"] == [
        {"type": "image", "image": {"link": "https://x.example/p.jpg"}}
    ]
    by_id = send_components(template, {"header.media": "1037543291543636", "1": "Home"})
    assert by_id[0]["parameters"] == [{"type": "image", "image": {"id": "1037543291543636"}}]
    assert render_template(template, {"header.media": "m1", "1": "x"}).header_format == "IMAGE"


def test_a_template_without_parameters_sends_no_components() -> None:
    template = seeded("service_followup")
    assert template_parameters(template) == []
    assert send_components(template, {}) == []


def test_missing_blank_and_unknown_values_are_refused() -> None:
    template = seeded("payment_confirmation")
    with pytest.raises(TemplateError) as missing:
        render_template(template, {**PAYMENT, "4": "   "})
    assert missing.value.code == "parameter_missing"
    assert missing.value.fields == [{"field": "4", "message": "a value is required"}]
    with pytest.raises(TemplateError) as unknown:
        render_template(template, {**PAYMENT, "6": "extra"})
    assert unknown.value.code == "unknown_parameter"


def test_new_lines_in_a_value_are_refused() -> None:
    with pytest.raises(TemplateError) as err:
        render_template(seeded("payment_confirmation"), {**PAYMENT, "2": "roses\nand tulips"})
    assert err.value.code == "parameter_invalid"


def test_unicode_values_count_as_characters() -> None:
    rendered = render_template(seeded("payment_confirmation"), {**PAYMENT, "1": "José 👩🏽‍💻 山田"})
    assert rendered.body.startswith("Hello José 👩🏽‍💻 山田.")


def test_body_limit_is_1024_characters_once_filled() -> None:
    template = seeded("payment_confirmation")
    base = len(render_template(template, {**PAYMENT, "2": "x"}).body)
    fits = "é" * (BODY_LIMIT - base + 1)
    assert len(render_template(template, {**PAYMENT, "2": fits}).body) == BODY_LIMIT
    with pytest.raises(TemplateError) as err:
        render_template(template, {**PAYMENT, "2": fits + "é"})
    assert err.value.code == "body_too_long"


def test_header_limit_is_60_characters_once_filled() -> None:
    template = seeded("order_delay_notice")
    values = {"1": "Ana", "2": "3", "button.1": "1"}
    room = HEADER_LIMIT - len("Pedido ")
    assert len(render_template(template, {**values, "header.1": "9" * room}).header or "") == 60
    with pytest.raises(TemplateError) as err:
        render_template(template, {**values, "header.1": "9" * (room + 1)})
    assert err.value.code == "header_too_long"


def test_only_approved_templates_are_sendable() -> None:
    statuses = {t["name"]: approved(t) for t in seed_templates()}
    assert statuses["payment_confirmation"] is True
    assert statuses["spring_sale"] is False  # PAUSED
    assert statuses["promo_blast"] is False  # REJECTED


T = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_the_window_is_open_until_exactly_24_hours() -> None:
    assert window_open(T, T + timedelta(hours=24) - timedelta(microseconds=1))
    assert not window_open(T, T + timedelta(hours=24))
    assert not window_open(None, T)


@pytest.mark.parametrize(
    ("kind", "elapsed", "allowed"),
    [
        ("text", timedelta(hours=23, minutes=59, seconds=59), True),
        ("text", timedelta(hours=24), False),
        ("image", timedelta(hours=25), False),
        ("document", timedelta(hours=1), True),
        ("template", timedelta(hours=25), True),
        ("template", timedelta(days=400), True),
    ],
)
def test_outside_the_window_only_templates_pass(
    kind: str, elapsed: timedelta, allowed: bool
) -> None:
    assert window_allows(kind, T, T + elapsed) is allowed


def test_a_contact_who_never_wrote_gets_only_templates() -> None:
    assert not window_allows("text", None, T)
    assert window_allows("template", None, T)


def test_more_than_four_spaces_in_a_row_are_refused_as_whatsapp_does() -> None:
    from parley.domain.templates import _refused

    assert not _refused("a    b")
    assert _refused("a     b")
    assert _refused("line\nbreak") and _refused("tab\there")
