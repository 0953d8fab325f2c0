"""The failed-login throttle: per username and per address, over a sliding window."""

from __future__ import annotations

from parley.auth.throttle import LoginThrottle


def test_a_username_waits_after_five_failures_until_the_oldest_leaves_the_window() -> None:
    throttle = LoginThrottle(per_user=5, per_address=100, window_seconds=300)
    for second in range(5):
        assert throttle.wait_seconds("Alice", "10.0.0.1", second) == 0
        throttle.failed("alice", "10.0.0.1", second)
    assert throttle.wait_seconds("ALICE", "10.0.0.9", 10) == 290  # any spelling, any address
    assert throttle.wait_seconds("bob", "10.0.0.1", 10) == 0
    assert throttle.wait_seconds("alice", "10.0.0.1", 300) == 0


def test_an_address_waits_after_many_failures_whatever_the_usernames() -> None:
    throttle = LoginThrottle(per_user=5, per_address=3, window_seconds=60)
    for n in range(3):
        throttle.failed(f"user{n}", "10.0.0.1", 0)
    assert throttle.wait_seconds("someone", "10.0.0.1", 1) == 59
    assert throttle.wait_seconds("someone", "10.0.0.2", 1) == 0


def test_a_success_clears_the_username_but_not_the_address() -> None:
    throttle = LoginThrottle(per_user=2, per_address=3, window_seconds=60)
    throttle.failed("alice", "10.0.0.1", 0)
    throttle.failed("alice", "10.0.0.1", 0)
    throttle.succeeded("alice")
    assert throttle.wait_seconds("alice", "10.0.0.2", 1) == 0
    throttle.failed("bob", "10.0.0.1", 1)
    assert throttle.wait_seconds("carol", "10.0.0.1", 2) == 58


def test_memory_stays_bounded() -> None:
    throttle = LoginThrottle()
    for n in range(30_000):
        throttle.failed(f"user{n}", f"10.0.{n // 256 % 256}.{n % 256}", n)
    assert len(throttle._failures) <= 10_000
