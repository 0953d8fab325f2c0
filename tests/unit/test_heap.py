"""A started process moves what it built out of the collector's full passes."""

from __future__ import annotations

import gc

import pytest

from parley import heap


# The full collection finalises whatever earlier tests left unreachable (an unclosed file's
# ResourceWarning would otherwise be reported against this test).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_settle_freezes_what_is_alive() -> None:
    try:
        heap.settle()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_a_server_process_collects_the_young_less_often() -> None:
    before = gc.get_threshold()
    try:
        heap.collect_young_less_often()
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)
