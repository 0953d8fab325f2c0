"""Pure rules behind the agent desktop: emoji, reactions, typing pace, code lists, declined offers."""

from datetime import UTC, datetime, timedelta

import pytest

from parley.domain.codes import match_code
from parley.domain.reactions import can_react_to, is_emoji, listed_reactions, with_reaction
from parley.domain.routing import AgentSlot, plan_assignments
from parley.domain.typing_indicator import typing_due, typing_stale

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("emoji", ["👍", "❤️", "1️⃣", "#️⃣", "🇧🇷", "👍🏽", "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️", "🫩"])
def test_emoji_are_emoji(emoji: str) -> None:
    assert is_emoji(emoji)


@pytest.mark.parametrize(
    "text", ["", "a", "ok", "1", "#", "👍 ", "👍x", "\u200d", "\ufe0f", "<b>", "👍" * 17, "\x00👍"]
)
def test_text_is_not_an_emoji(text: str) -> None:
    assert not is_emoji(text)


def test_reactions_keep_the_latest_per_side_whatever_the_arrival_order() -> None:
    held = with_reaction(None, "in", "👍", T0, 1)
    assert held is not None
    assert with_reaction(held, "in", "😮", T0 - timedelta(seconds=1), 2) is None
    held = with_reaction(held, "out", "🙏", T0, 3)
    assert held is not None
    assert listed_reactions(held) == [
        {"emoji": "👍", "direction": "in", "at": T0.isoformat()},
        {"emoji": "🙏", "direction": "out", "at": T0.isoformat()},
    ]
    removed = with_reaction(held, "in", "", T0 + timedelta(seconds=1), 4)
    assert removed is not None
    assert [r["direction"] for r in listed_reactions(removed)] == ["out"]
    assert listed_reactions(None) == []


def test_only_recent_ordinary_messages_take_reactions() -> None:
    assert can_react_to("text", T0, T0 + timedelta(days=30))
    assert not can_react_to("text", T0, T0 + timedelta(days=30, seconds=1))
    assert not can_react_to("reaction", T0, T0)
    assert not can_react_to("system", T0, T0)


def test_typing_is_paced_and_goes_stale() -> None:
    assert typing_due(None, T0)
    assert not typing_due(T0, T0 + timedelta(seconds=19))
    assert typing_due(T0, T0 + timedelta(seconds=20))
    assert not typing_stale(T0, T0 + timedelta(seconds=10))
    assert typing_stale(T0, T0 + timedelta(seconds=10.5))


def test_codes_match_ignoring_case_and_spaces() -> None:
    codes = ("Resolved", "Follow-up needed")
    assert match_code("  follow-UP needed ", codes) == "Follow-up needed"
    assert match_code("Resolve", codes) is None
    assert match_code("", ()) is None


def test_an_interaction_skips_the_agents_who_declined_it() -> None:
    agents = [
        AgentSlot(1, T0 - timedelta(hours=2), 0, 3),
        AgentSlot(2, T0 - timedelta(hours=1), 0, 1),
    ]
    assert plan_assignments([10, 11], agents, T0, {10: {1}}) == [(10, 2), (11, 1)]
    assert plan_assignments([10], agents, T0, {10: {1, 2}}) == []
    assert plan_assignments([10, 11], agents, T0, {10: {1, 2}}) == [(11, 1)]


def test_a_missed_offer_goes_to_someone_else_first_then_back() -> None:
    agents = [
        AgentSlot(1, T0 - timedelta(hours=2), 0, 3),
        AgentSlot(2, T0 - timedelta(hours=1), 0, 1),
    ]
    assert plan_assignments([10], agents, T0, missed={10: {1}}) == [(10, 2)]
    # 11 passes over Alice, who missed it, while Bob has room.
    assert plan_assignments([10, 11], agents, T0, missed={11: {1}}) == [(10, 1), (11, 2)]
    assert plan_assignments([10], agents[:1], T0, missed={10: {1}}) == [(10, 1)]
    # A rejection is firmer than a miss: it waits.
    assert plan_assignments([10], agents[:1], T0, {10: {1}}, missed={10: {1}}) == []
