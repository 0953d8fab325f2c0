"""The rules of workbins, presence and routing with parked work: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from parley.domain.interactions import STATES, can_transition
from parley.domain.presence import missed_too_many, stream_gone
from parley.domain.routing import AgentSlot, plan_assignments
from parley.domain.workbins import WorkbinAccess, can_see, has_capacity, returned_label

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ALLOWED = {
    ("queued", "offered"), ("queued", "active"), ("queued", "parked"), ("queued", "done"),
    ("offered", "offered"), ("offered", "active"), ("offered", "queued"), ("offered", "parked"),
    ("offered", "done"),
    ("active", "offered"), ("active", "parked"), ("active", "queued"), ("active", "done"),
    ("parked", "offered"), ("parked", "queued"), ("parked", "active"), ("parked", "done"),
}  # fmt: skip


@pytest.mark.parametrize(("current", "target"), list(product(STATES, STATES)))
def test_every_transition_is_allowed_or_refused_as_listed(current: str, target: str) -> None:
    assert can_transition(current, target) is ((current, target) in ALLOWED)


def test_nothing_leaves_done_and_parked_work_can_come_back_every_way() -> None:
    assert not any(can_transition("done", s) for s in STATES)
    assert all(can_transition("parked", s) for s in ("queued", "active", "offered", "done"))


def test_who_sees_a_workbin() -> None:
    alices = WorkbinAccess(kind="personal", owner_id=1)
    shared = WorkbinAccess(kind="shared", owner_id=None)
    assert can_see(alices, 1, staff=False) and not can_see(alices, 2, staff=False)
    assert can_see(alices, 9, staff=True)
    assert can_see(shared, 2, staff=False)


def test_capacity_counts_only_what_is_held() -> None:
    assert has_capacity(2, 3) and not has_capacity(3, 3) and not has_capacity(4, 3)


def test_where_it_came_back_from() -> None:
    assert returned_label("personal", "WhatsApp in progress", "Alice Martins") == (
        "Alice Martins's workbin"
    )
    assert returned_label("shared", "Billing", None) == "Billing"


def test_a_stream_counts_as_gone_only_past_the_grace_time() -> None:
    assert not stream_gone(T0, T0 + timedelta(seconds=60), 60)
    assert stream_gone(T0, T0 + timedelta(seconds=60.5), 60)
    assert not stream_gone(None, T0 + timedelta(days=9), 60)


def test_missed_offers_limit() -> None:
    assert not missed_too_many(1, 2) and missed_too_many(2, 2) and missed_too_many(3, 2)
    assert not missed_too_many(50, 0), "0 turns the rule off"


def slot(agent_id: int, idle_minutes: int, load: int = 0, capacity: int = 3) -> AgentSlot:
    return AgentSlot(agent_id, T0 - timedelta(minutes=idle_minutes), load, capacity)


def test_parked_work_goes_back_to_its_agent_when_they_have_room() -> None:
    agents = [slot(1, idle_minutes=1), slot(2, idle_minutes=30)]
    assert plan_assignments([10], agents, T0, preferred={10: 1}) == [(10, 1)]


def test_parked_work_goes_to_the_longest_idle_when_its_agent_is_full_or_away() -> None:
    full = [slot(1, idle_minutes=1, load=3), slot(2, idle_minutes=30)]
    assert plan_assignments([10], full, T0, preferred={10: 1}) == [(10, 2)]
    away = [slot(2, idle_minutes=30), slot(3, idle_minutes=40)]
    assert plan_assignments([10], away, T0, preferred={10: 1}) == [(10, 3)]


def test_a_preferred_agent_who_just_declined_is_not_offered_it_again() -> None:
    agents = [slot(1, idle_minutes=50), slot(2, idle_minutes=30)]
    assert plan_assignments([10], agents, T0, declined={10: {1}}, preferred={10: 1}) == [(10, 2)]


def test_preference_does_not_overfill_an_agent() -> None:
    agents = [slot(1, idle_minutes=1, load=2), slot(2, idle_minutes=30)]
    plan = plan_assignments([10, 11], agents, T0, preferred={10: 1, 11: 1})
    assert plan == [(10, 1), (11, 2)]
