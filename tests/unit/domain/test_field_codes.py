"""Field codes in standard responses: values, locales, time zones, missing and unknown codes."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.domain.field_codes import (
    FieldContext,
    codes_in,
    fill_field_codes,
    locale_or_default,
    zone_or_default,
)

# 2020-05-13 23:57:21 UTC = 16:57:21 in Los Angeles (PDT), the help page's moment.
NOW = datetime(2020, 5, 13, 23, 57, 21, tzinfo=UTC)


def ctx(**kw: object) -> FieldContext:
    values: dict[str, object] = {
        "now": NOW,
        "contact_name": "Masha Ivanova",
        "contact_wa_id": "5511987654321",
        "agent_name": "Alice Martin",
        "interaction_id": 42,
        "started_at": datetime(2020, 5, 13, 23, 55, tzinfo=UTC),
        "locale": "en_US",
        "time_zone": "America/Los_Angeles",
    }
    values.update(kw)
    return FieldContext(**values)  # type: ignore[arg-type]


def test_contact_agent_and_interaction_codes() -> None:
    text = (
        "Hi {{contact.first_name}} ({{contact.name}}, {{contact.phone}}), I am "
        "{{agent.first_name}} of {{agent.name}}'s team, case {{interaction.id}}."
    )
    filled = fill_field_codes(text, ctx())
    assert filled.text == (
        "Hi Masha (Masha Ivanova, +5511987654321), I am Alice of Alice Martin's team, case 42."
    )
    assert filled.missing == [] and filled.unknown == []


def test_dates_in_the_agents_locale_and_time_zone() -> None:
    filled = fill_field_codes("{{datetime.now}}", ctx())
    assert filled.text == "Wednesday, May 13, 2020 4:57:21\u202fPM PDT"
    # The same moment is already the 14th in Lisbon, written the Portuguese way.
    br = fill_field_codes(
        "{{date.full}} {{date.today}} {{time.now}}", ctx(locale="pt_PT", time_zone="Europe/Lisbon")
    )
    assert br.text == "quinta-feira, 14 de maio de 2020 14 de maio de 2020 00:57"


def test_interaction_start_is_converted_to_the_agents_zone() -> None:
    filled = fill_field_codes("{{interaction.started}}", ctx())
    assert filled.text == "May 13, 2020 4:55\u202fPM"


def test_missing_values_become_empty_and_are_reported() -> None:
    filled = fill_field_codes(
        "Hello {{contact.first_name}}{{contact.last_name}}!", ctx(contact_name="  ")
    )
    assert filled.text == "Hello !"
    assert filled.missing == ["contact.first_name", "contact.last_name"]


def test_a_single_word_name_has_no_last_name() -> None:
    filled = fill_field_codes(
        "{{contact.first_name}}|{{contact.last_name}}", ctx(contact_name="Cher")
    )
    assert filled.text == "Cher|"
    assert filled.missing == ["contact.last_name"]


def test_unknown_codes_stay_visible_and_template_parameters_are_not_codes() -> None:
    filled = fill_field_codes(
        "{{contact.shoe_size}} {{1}} {{first_name}} {{ contact.name }}", ctx()
    )
    assert filled.text == "{{contact.shoe_size}} {{1}} {{first_name}} Masha Ivanova"
    assert filled.unknown == ["contact.shoe_size"]


def test_unicode_names_and_text_pass_through_unchanged() -> None:
    name = "José 👩🏽‍💻 Ñúñez 山田"
    filled = fill_field_codes(
        "Olá {{contact.name}} — ✓ {{contact.first_name}}", ctx(contact_name=name)
    )
    assert filled.text == f"Olá {name} — ✓ José"


def test_values_are_not_filled_again() -> None:
    """A contact named like a code does not expand: one pass, no injection."""
    filled = fill_field_codes("{{contact.name}}", ctx(contact_name="{{agent.name}}"))
    assert filled.text == "{{agent.name}}"


def test_bad_locale_and_zone_fall_back() -> None:
    assert locale_or_default("xx_YY_bogus") == "en_US"
    assert locale_or_default("pt-BR") == "pt_BR"
    assert locale_or_default(None) == "en_US"
    assert zone_or_default("Mars/Olympus") == "UTC"
    assert zone_or_default("../../etc/passwd") == "UTC"
    assert zone_or_default("Europe/Paris") == "Europe/Paris"
    filled = fill_field_codes("{{time.now}}", ctx(locale="nope", time_zone="Nowhere/Land"))
    assert filled.text == "11:57\u202fPM"


def test_naive_times_are_taken_as_utc() -> None:
    filled = fill_field_codes(
        "{{time.now}}", ctx(now=datetime(2020, 5, 13, 23, 57), time_zone="UTC")
    )
    assert filled.text == "11:57\u202fPM"


def test_codes_in_lists_each_code_once() -> None:
    assert codes_in("{{contact.name}} {{agent.name}} {{contact.name}} {{1}}") == [
        "contact.name",
        "agent.name",
    ]
