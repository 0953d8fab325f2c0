"""A delivery status never moves backwards (WHATSAPP.md §3); `failed` is terminal."""

from __future__ import annotations

import random
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.whatsapp.statuses import STATUSES, advance_status, status_rank
from tests.fuzz import examples


def test_ranks_follow_the_documented_order() -> None:
    ranks = [status_rank(s) for s in ("sent", "delivered", "read", "played", "failed")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5
    assert status_rank(None) == status_rank("queued") == status_rank("deleted") == 0


@pytest.mark.parametrize(
    ("current", "new", "stored"),
    [
        (None, "sent", "sent"),
        ("queued", "sent", "sent"),  # Parley's own pre-send state ranks below everything
        ("sent", "delivered", "delivered"),
        ("sent", "read", "read"),  # delivered skipped when read on arrival
        ("read", "sent", "read"),  # a late `sent` never overwrites `read`
        ("read", "delivered", "read"),
        ("read", "played", "played"),
        ("delivered", "delivered", "delivered"),  # duplicates are harmless
        ("sent", "failed", "failed"),
        ("failed", "read", "failed"),  # terminal
        ("failed", "sent", "failed"),
    ],
)
def test_advance_status(current: str | None, new: str, stored: str) -> None:
    assert advance_status(current, new) == stored


@pytest.mark.parametrize("new", ["deleted", "warning", "", "READ"])
def test_unknown_new_status_is_refused(new: str) -> None:
    with pytest.raises(ValueError, match="unknown delivery status"):
        advance_status("sent", new)


@settings(max_examples=examples(300), database=None, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12).flatmap(st.permutations))
def test_property_any_order_gives_the_highest_rank(arrivals: list[str]) -> None:
    stored = reduce(advance_status, arrivals, None)
    assert stored == max(arrivals, key=status_rank)
    if "failed" in arrivals:
        assert stored == "failed"


@settings(max_examples=examples(200), database=None, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=8), st.randoms())
def test_property_result_is_order_independent(arrivals: list[str], rnd: random.Random) -> None:
    shuffled = list(arrivals)
    rnd.shuffle(shuffled)
    assert reduce(advance_status, shuffled, None) == reduce(advance_status, arrivals, None)


@settings(max_examples=examples(200), database=None, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_property_never_moves_backwards(arrivals: list[str]) -> None:
    current: str | None = None
    for status in arrivals:
        after = advance_status(current, status)
        assert status_rank(after) >= status_rank(current)
        current = after
