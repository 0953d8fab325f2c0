"""Keep the garbage collector's full passes short in a long-running process.

CPython's collector walks every tracked object in a full (generation 2) pass. A node holds
hundreds of thousands of them from the start (modules, settings, mappers, compiled statements),
so each full pass stalled a node or its ingest worker for 50 to 110 ms under steady traffic,
the longest waits a message had (measured at 250 webhooks/s). What is alive once a process
has started lives as long as the process: `gc.freeze` moves it out of the collector's walk
(https://docs.python.org/3/library/gc.html#gc.freeze), so a full pass only walks what came
after.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect once, then freeze what is left: call when a process has finished starting."""
    gc.collect()
    gc.freeze()
