"""The ingest worker process's pipe to its node (`ingest.process._Pipe`)."""

from __future__ import annotations

import subprocess
import sys

SENDS_AFTER_THE_NODE_IS_GONE = """
import time
from parley.ingest.process import _Pipe
time.sleep(0.3)  # the node (the test) closes its end meanwhile
pipe = _Pipe()
for _ in range(3):
    pipe.send(b"H", b"")
raise SystemExit(3)  # not reached: the first send that fails ends the process
"""


def test_a_worker_whose_node_died_leaves_quietly() -> None:
    """A node killed with -9 leaves its worker a closed pipe: the worker exits at its next
    message, without a traceback (each of its loops used to print one)."""
    worker = subprocess.Popen(
        [sys.executable, "-c", SENDS_AFTER_THE_NODE_IS_GONE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert worker.stdout is not None
    worker.stdout.close()
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors.decode()
    assert b"Traceback" not in errors and b"BrokenPipe" not in errors, errors.decode()
