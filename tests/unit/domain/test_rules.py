from datetime import UTC, datetime, timedelta

import pytest

from parley.domain.interactions import TransitionError, can_transition, check_transition
from parley.domain.phones import (
    PhoneError,
    looks_like_phone,
    lookup_forms,
    normalize_wa_id,
    same_number,
    to_e164,
    wa_id_forms,
)
from parley.domain.routing import AgentSlot, plan_assignments
from parley.domain.window import window_expires_at, window_open

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_window_lasts_24_hours_from_the_last_inbound_message() -> None:
    assert window_expires_at(T0) == T0 + timedelta(hours=24)
    assert window_open(T0, T0 + timedelta(hours=23, minutes=59))
    assert not window_open(T0, T0 + timedelta(hours=24))
    assert not window_open(None, T0)


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("queued", "offered", True),
        ("offered", "active", True),
        ("active", "parked", True),
        ("parked", "queued", True),
        ("active", "done", True),
        ("done", "active", False),
        ("done", "queued", False),
        ("queued", "queued", False),
    ],
)
def test_state_machine(current: str, target: str, ok: bool) -> None:
    assert can_transition(current, target) is ok
    if not ok:
        with pytest.raises(TransitionError):
            check_transition(current, target)


def test_routing_prefers_the_longest_idle_agent_and_spreads_work() -> None:
    agents = [
        AgentSlot(1, T0 + timedelta(minutes=5), load=0, capacity=3),
        AgentSlot(2, T0, load=0, capacity=3),
        AgentSlot(3, T0 + timedelta(minutes=1), load=3, capacity=3),  # full
    ]
    plan = plan_assignments([10, 11, 12, 13], agents, T0 + timedelta(hours=1))
    assert plan == [(10, 2), (11, 1), (12, 2), (13, 1)]


def test_routing_never_exceeds_capacity() -> None:
    agents = [AgentSlot(1, T0, load=1, capacity=3), AgentSlot(2, T0, load=0, capacity=1)]
    plan = plan_assignments(list(range(100)), agents, T0)
    per_agent = {a: sum(1 for _, x in plan if x == a) for a in (1, 2)}
    assert per_agent == {1: 2, 2: 1}


def test_routing_with_nobody_ready_assigns_nothing() -> None:
    assert plan_assignments([1, 2], [], T0) == []


@pytest.mark.parametrize(
    ("typed", "wa_id"),
    [
        ("+55 11 98765-4321", "5511987654321"),
        ("0044 20 7946 0958", "442079460958"),
        ("(555) 000-1111", "5550001111"),
    ],
)
def test_phone_numbers_normalise_to_wa_ids(typed: str, wa_id: str) -> None:
    assert normalize_wa_id(typed) == wa_id
    assert to_e164(wa_id) == "+" + wa_id


@pytest.mark.parametrize("bad", ["", "abc", "+1 23", "١٢٣٤٥٦٧٨", "1" * 16, "+55 11 9x"])
def test_bad_phone_numbers_are_refused(bad: str) -> None:
    with pytest.raises(PhoneError):
        normalize_wa_id(bad)
    assert lookup_forms(bad, "BR") == ()


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("+55 (11) 98765-4321", ""),
        ("0055 11 98765 4321", ""),
        ("5511987654321", "BR"),
        ("011 98765 4321", "BR"),
        ("(11) 98765-4321", "BR"),
        ("11 98765.4321", "BR"),
        ("+55 11 8765-4321", ""),
        ("(11) 8765-4321", "BR"),
    ],
)
def test_brazilian_numbers_with_or_without_the_ninth_digit_are_one_person(
    typed: str, region: str
) -> None:
    assert set(lookup_forms(typed, region)) == {"5511987654321", "551187654321"}


@pytest.mark.parametrize(
    ("typed", "region"),
    [("+52 55 1234 5678", ""), ("+52 1 55 1234 5678", ""), ("55 1234 5678", "MX")],
)
def test_mexican_mobiles_with_or_without_the_1_are_one_person(typed: str, region: str) -> None:
    assert set(lookup_forms(typed, region)) == {"525512345678", "5215512345678"}


def test_the_typed_form_comes_first_and_other_numbers_have_no_twin() -> None:
    assert wa_id_forms("551187654321") == ("551187654321", "5511987654321")
    assert wa_id_forms("5511987654321") == ("5511987654321", "551187654321")
    assert wa_id_forms("442079460958") == ("442079460958",)
    # A Brazilian landline (starts 2-5) never gains a ninth digit.
    assert wa_id_forms("551133334444") == ("551133334444",)
    assert same_number("5215512345678", "525512345678")
    assert not same_number("5511987654321", "5521987654321")


def test_a_local_number_without_its_area_code_is_not_a_full_number() -> None:
    assert normalize_wa_id("011 98765 4321", "BR") == "5511987654321"
    with pytest.raises(PhoneError):
        normalize_wa_id("011 98765 4321")  # which country? none assumed


@pytest.mark.parametrize(
    ("text", "phone"),
    [("+55 11 9", True), ("(11) 98765", True), ("98", False), ("Ana 11", False), ("", False)],
)
def test_what_looks_like_a_phone_number(text: str, phone: bool) -> None:
    assert looks_like_phone(text) is phone
