"""Keep the garbage collector's full passes short in a long-running process.

CPython's collector walks every tracked object in a full (generation 2) pass. A node holds
hundreds of thousands of them from the start (modules, settings, mappers, compiled statements),
so each full pass stalled a node or its ingest worker for 50 to 110 ms under steady traffic,
the longest waits a message had (measured at 250 webhooks/s). What is alive once a process
has started lives as long as the process: `gc.freeze` moves it out of the collector's walk
(https://docs.python.org/3/library/gc.html#gc.freeze), so a full pass only walks what came
after.

A server's process (`parley serve`, `parley demo`, the ingest worker:
`collect_young_less_often`) collects its youngest generation after 10,000 new container objects
instead of CPython's 700: an ingest batch of 1,000 webhooks makes about a hundred thousand (rows,
ORM states, parsed payloads, events), and at 700 the collector ran 340 times per 5,400-webhook burst, 50 ms in
all; at 10,000, 17 times and 24 ms, each pass about a millisecond (measured in the worker with
`gc.callbacks`). The older generations' thresholds are CPython's.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # new container objects between collections of the youngest generation


def settle() -> None:
    """Collect once, then freeze what is left: call when a process has finished starting."""
    gc.collect()
    gc.freeze()


def collect_young_less_often() -> None:
    """Collect the youngest generation every `YOUNG_THRESHOLD` new objects: call once, where a
    server process starts (not in a library's or a test's process, whose garbage it delays)."""
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
