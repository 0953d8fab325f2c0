"""The floor's and the reports' figures, from fixed histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.domain.service_level import (
    InteractionHistory,
    Transition,
    agent_figures,
    current_wait_seconds,
    figures,
    intervals,
    outcome,
    percentile,
)

DAY = datetime(2026, 1, 5, tzinfo=UTC)
T0 = DAY + timedelta(hours=9)
END = DAY + timedelta(days=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def inbound(iid: int, created: float, *steps: tuple[float, str]) -> InteractionHistory:
    return InteractionHistory(
        id=iid,
        origin="inbound",
        created_at=at(created),
        transitions=tuple(Transition(at=at(s), to_state=state, agent_id=7) for s, state in steps),
    )


def day(*histories: InteractionHistory, threshold: int = 60) -> object:
    return figures(histories, start=DAY, end=END, threshold_seconds=threshold)


def test_service_level_counts_a_wait_of_exactly_the_threshold_as_within() -> None:
    at_edge = inbound(1, 0, (5, "offered"), (60, "active"))
    just_over = inbound(2, 0, (5, "offered"), (60.001, "active"))
    result = figures([at_edge, just_over], start=DAY, end=END, threshold_seconds=60)
    assert result.answered == 2
    assert result.answered_within == 1
    assert result.service_level == 0.5


def test_abandoned_is_done_before_any_agent_joined_and_answered_is_never_abandoned() -> None:
    # Offered twice (an offer expired, one rejected), then closed for inactivity: abandoned.
    gave_up = inbound(
        1, 0, (1, "offered"), (31, "queued"), (40, "offered"), (45, "queued"), (900, "done")
    )
    # Answered after 20 s, then done: answered, not abandoned, whatever the end.
    answered = inbound(2, 0, (1, "offered"), (20, "active"), (300, "done"))
    still_waiting = inbound(3, 100, (101, "offered"))
    result = figures([gave_up, answered, still_waiting], start=DAY, end=END)
    assert (result.offered, result.answered, result.abandoned, result.waiting) == (3, 1, 1, 1)
    assert result.offered == result.answered + result.abandoned + result.waiting
    # Service level is over known outcomes: 1 within of (1 answered + 1 abandoned).
    assert result.service_level == 0.5
    assert result.average_wait_seconds == 20  # abandoned waits are not answer waits
    assert outcome(gave_up).abandoned_at == at(900)
    assert outcome(answered).abandoned_at is None


def test_handle_time_sums_active_stretches_and_leaves_out_parking() -> None:
    # Active 0:10–1:10 (60 s), parked in a workbin 1:10–11:10, opened again 11:10–11:40 (30 s),
    # back in the queue when the contact wrote while parked does not count either.
    history = inbound(
        1,
        0,
        (5, "offered"),
        (10, "active"),
        (70, "parked"),
        (670, "queued"),
        (680, "offered"),
        (690, "active"),
        (720, "done"),
    )
    result = outcome(history)
    assert result.handle_seconds == 60 + 30
    assert result.wait_seconds == 10  # the first answer only
    assert figures([history], start=DAY, end=END).average_handle_seconds == 90


def test_handle_time_counts_only_interactions_done_in_the_period() -> None:
    done_today = inbound(1, 0, (10, "active"), (130, "done"))
    still_active = inbound(2, 0, (10, "active"))
    result = figures([done_today, still_active], start=DAY, end=END)
    assert result.handled == 1 and result.average_handle_seconds == 120
    # The floor's "so far" reading of an active one runs to now.
    assert outcome(still_active, now=at(70)).handle_seconds == 60


def test_outbound_interactions_are_handled_but_never_offered() -> None:
    started = InteractionHistory(
        id=1,
        origin="outbound",
        created_at=at(0),
        transitions=(Transition(at=at(200), to_state="done"),),
    )
    result = figures([started], start=DAY, end=END)
    assert (result.offered, result.answered, result.abandoned) == (0, 0, 0)
    assert result.service_level is None
    assert result.handled == 1 and result.average_handle_seconds == 200


def test_p90_is_the_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 12)], 0.9) == 10.0
    waits = [inbound(n, 0, (n * 10, "active")) for n in range(1, 11)]
    result = figures(waits, start=DAY, end=END)
    assert result.p90_wait_seconds == 90 and result.average_wait_seconds == 55


def test_a_period_takes_what_was_offered_in_it_by_creation_time() -> None:
    yesterday = InteractionHistory(
        id=1,
        origin="inbound",
        created_at=DAY - timedelta(minutes=1),
        transitions=(Transition(at=DAY + timedelta(minutes=1), to_state="active"),),
    )
    result = figures([yesterday], start=DAY, end=END)
    assert result.offered == 0 and result.answered == 0


def test_intervals_cut_the_day_in_15_minute_slices() -> None:
    first = inbound(1, 0, (30, "active"))  # 09:00, waited 30 s
    second = inbound(2, 14 * 60 + 59, (14 * 60 + 59 + 90, "active"))  # 09:14:59, waited 90 s
    third = inbound(3, 15 * 60)  # 09:15, still waiting
    rows = intervals([first, second, third], start=T0, end=T0 + timedelta(hours=1), minutes=15)
    assert [r.start for r in rows] == [T0 + timedelta(minutes=m) for m in (0, 15, 30, 45)]
    assert [r.figures.offered for r in rows] == [2, 1, 0, 0]
    assert rows[0].figures.average_wait_seconds == 60
    assert rows[0].figures.answered_within == 1
    assert rows[1].figures.waiting == 1 and rows[1].figures.average_wait_seconds is None


def test_intervals_refuse_a_zero_length() -> None:
    with pytest.raises(ValueError):
        intervals([], start=T0, end=T0 + timedelta(hours=1), minutes=0)


def test_current_wait_runs_from_the_oldest_unanswered_message() -> None:
    assert current_wait_seconds(at(100), at(40), at(90)) == 60
    assert current_wait_seconds(at(100), None, at(90)) == 10
    assert current_wait_seconds(at(100), at(200), None) == 0


def test_agent_figures_credit_each_active_stretch_to_its_holder() -> None:
    history = InteractionHistory(
        id=1,
        origin="inbound",
        created_at=at(0),
        transitions=(
            Transition(at=at(10), to_state="offered", agent_id=1),
            Transition(at=at(20), to_state="active", agent_id=1),  # Alice answers after 20 s
            Transition(at=at(80), to_state="offered", agent_id=9),  # a supervisor moves it
            Transition(at=at(90), to_state="active", agent_id=2),  # Bob: 90–150
            Transition(at=at(150), to_state="done", agent_id=2),
        ),
    )
    per_agent = agent_figures([history], start=DAY, end=END)
    assert per_agent[1].answered == 1 and per_agent[1].answered_within == 1
    assert per_agent[1].handle_seconds == 60 and per_agent[1].done == 0
    assert per_agent[2].answered == 0 and per_agent[2].done == 1
    assert per_agent[2].handle_seconds == 60 and per_agent[2].average_handle_seconds == 60
    assert 9 not in per_agent  # the supervisor held nothing
