"""The failed-login rule: a key waits once it has `limit` failures inside the window."""

from __future__ import annotations

from parley.domain.throttle import wait_seconds


def test_a_key_may_try_while_under_its_limit() -> None:
    assert wait_seconds([], 5, 300, 10) == 0
    assert wait_seconds([4, 3, 2, 1], 5, 300, 10) == 0


def test_at_the_limit_it_waits_until_the_oldest_counted_failure_leaves_the_window() -> None:
    assert wait_seconds([4, 3, 2, 1, 0], 5, 300, 10) == 290
    assert wait_seconds([4, 3, 2, 1, 0], 5, 300, 300) == 0


def test_only_failures_inside_the_window_count() -> None:
    assert wait_seconds([400, 399, 2, 1, 0], 5, 300, 401) == 0
    assert wait_seconds([59, 58, 57], 3, 60, 61) == 56
