"""One writer at a time on a SQLite file, across the processes of a node, queued by the kernel.

SQLite lets one connection write at a time. A connection that finds the file locked sleeps in
its busy handler, in steps that grow to 100 ms, and tries again: a node and its ingest worker
process, both writing often, starve each other, each sleeping through the moments the file is
free (waits of up to 0.8 s were measured at 250 webhooks/s). A writer here first takes the
process's own asyncio lock (its tasks queue in order), then an exclusive `flock` on
`<file>.lock`, which the kernel hands over the moment its holder lets go. Processes that don't
take it (a `sqlite3` shell) are still covered by SQLite's own busy timeout.

PostgreSQL needs none of this: it has row locks, and no gate is used there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows has none: the gate is then the process's own lock only
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".lock"
# Longer than SQLite's own busy timeout (10 s): every writer of the node queues here, but no
# transaction holds the file for seconds unless something is stuck (or a `sqlite3` shell holds
# it): then the waiter gives up with `GateTimeout` instead of waiting for ever.
WAIT_SECONDS = 30.0


class GateTimeout(Exception):
    """The database file stayed locked by another process for `WAIT_SECONDS`."""


BUSY_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED")


def is_busy(exc: BaseException) -> bool:
    """The database refused for a lock held elsewhere, past the wait: the gate's (`GateTimeout`)
    or SQLite's own busy timeout, for a process that does not take the gate (a `sqlite3` shell,
    a backup). Nothing of the transaction was written; the same work can be tried again."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, GateTimeout):
            return True
        if getattr(cause, "sqlite_errorname", None) in BUSY_CODES:
            return True
        cause = cause.__cause__ or getattr(cause, "orig", None)
    return False


class WriteGate:
    """`async with gate:` (or `acquire`/`release`) around a write transaction on one file."""

    def __init__(self, database: Path | None = None) -> None:
        """`database`: the SQLite file the writers share; None (in memory) for this process only."""
        self._local = asyncio.Lock()
        self.wait_seconds = WAIT_SECONDS
        self._path = database.with_name(database.name + SUFFIX) if database else None
        self._fd: int | None = None

    @classmethod
    def for_url(cls, url: str) -> WriteGate:
        """The gate of a SQLite URL's file (`sqlite+aiosqlite:///path`)."""
        path = url.split("///", 1)[1] if "///" in url else ""
        return cls(Path(path) if path and path != ":memory:" else None)

    async def acquire(self) -> None:
        """Take the gate within `wait_seconds` in all, or raise `GateTimeout`: a writer queued
        behind one that timed out (whose thread still waits for the file) times out too,
        instead of waiting as long as another process holds the file."""
        # `asyncio.timeout`, not `wait_for`: on Python 3.11 `wait_for` hands back a lock taken
        # in the same step its task was cancelled, and the cancellation is lost.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_seconds
        try:
            async with asyncio.timeout_at(deadline):
                await self._local.acquire()
        except TimeoutError:
            raise self._timeout() from None
        fd = self._file()
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except BaseException:
            self._local.release()
            raise
        waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            async with asyncio.timeout_at(deadline):
                await asyncio.shield(waiting)
        except (asyncio.CancelledError, TimeoutError) as exc:
            # The thread still takes the file lock: hand both back once it has.
            waiting.add_done_callback(lambda done: self._after_cancel(done, fd))
            if isinstance(exc, TimeoutError):
                raise self._timeout() from None
            raise
        except BaseException:
            self._local.release()
            raise

    def _timeout(self) -> GateTimeout:
        return GateTimeout(f"{self._path} stayed locked for {self.wait_seconds:.0f} s")

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._local.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        self.release()

    @contextlib.contextmanager
    def held_blocking(self) -> Iterator[None]:
        """The file lock alone, waited for by blocking: for a thread of its own that is this
        gate's only user (no asyncio lock is taken)."""
        fd = self._file()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _file(self) -> int | None:
        if self._path is None or fcntl is None:
            return None
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def _after_cancel(self, done: asyncio.Future[None], fd: int) -> None:
        with contextlib.suppress(OSError):
            if not done.cancelled() and done.exception() is None:
                fcntl.flock(fd, fcntl.LOCK_UN)
        self._local.release()


_HELD: dict[Path, int] = {}  # the node locks this process holds, open for its whole life


def hold_node_lock(url: str) -> None:
    """One node per SQLite database: take `<file>.node.lock` for the life of this process, or
    stop with a clear message naming the node that has it.

    Two nodes on one SQLite file would each believe they own the routing and the sockets, and a
    second demo started `--fresh` would delete the file under the first (which then keeps
    acknowledging webhooks into a deleted file). Several nodes need PostgreSQL (docs/deploy.md).
    Raises `SystemExit` when another process holds it; does nothing for PostgreSQL or memory."""
    path = url.split("///", 1)[1] if url.startswith("sqlite") and "///" in url else ""
    if not path or path == ":memory:" or fcntl is None:
        return
    database = Path(path).resolve()
    if database in _HELD:
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(database.with_name(database.name + ".node.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise SystemExit(
            f"{database} is in use by another Parley node (process {holder}). Stop it first, "
            "or give this one its own PARLEY_DATA_DIR or PARLEY_DATABASE_URL."
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _HELD[database] = fd
