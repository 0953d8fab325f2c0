"""Ingest on a core of its own: a worker process that the node starts and supervises.

The node (`parley serve`, `parley demo`) only verifies and appends webhooks; this process turns
the stored log into contacts, sessions, interactions and messages. They speak over the child's
standard streams, one line per message:

- node → worker (stdin): one byte per wake-up (`\x02`: fetch media, any other: webhooks were
  stored); end of file means the node is gone (stopped, or killed with -9), and the worker
  finishes its batch and exits;
- worker → node (stdout): `E<envelope>` an event to deliver after its commit (`Envelope.to_bytes`:
  a JSON header, a tab, the event's JSON as published, passed on to the sockets as it is),
  `W<JSON list>` background loops to wake (media, outbox), `C<JSON object>` counts for the
  node's metrics, `H` "still here" every `HEARTBEAT_SECONDS` from its event loop.

The worker fetches the contacts' media that ingest announced (`media.worker.MediaFetcher`): on
SQLite its writes then queue behind ingest's batches in this process, instead of holding the
file's one write lock across the node's busy event loop while ingest waits (at full load that
wait was half of ingest's time). While ingest is behind, a batch of media waits for it (at most
`media.worker.DEFER_SECONDS`): a photo costs milliseconds, a text message a fraction of one.

The worker routes what it queued itself (a routing loop of its own, woken by a batch that
queued a conversation): on SQLite, the node and the worker then don't take turns for the
database's write lock on every batch, and a new conversation is offered without a hop through
the node.

A worker that dies is started again (with a growing pause if it keeps dying), and so is one
that says nothing for `PARLEY_WORKER_STALL_SECONDS` (its event loop stuck, or the process
stopped), killed first. Nothing acknowledged is lost: the log row is only marked processed in
the transaction that stored its messages, and a dead worker's transaction is rolled back by the
database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import httpx
import orjson

from parley.metrics import Metrics
from parley.realtime.bus import Envelope
from parley.settings import Settings
from parley.workers.base import Worker
from parley.workers.wake import Wake

if TYPE_CHECKING:
    from parley.clock import Clock
    from parley.db.uow import UnitOfWork

log = logging.getLogger("parley.ingest.process")
RESTART_PAUSES = (0.1, 0.5, 1.0, 2.0, 5.0)
STEADY_SECONDS = 10.0  # a worker that lived this long starts again without a pause
MEDIA_BYTE = b"\x02"
HEARTBEAT_SECONDS = 1.0
STARTUP_SECONDS = 30.0  # a new worker's first line may take this long (imports, a cold disk)
COUNTERS = ("webhooks_processed", "webhooks_failed", "webhooks_ignored", "messages_ingested")


class IngestProcess(Worker):
    """The node's side: starts the worker process, wakes it, relays what it says, restarts it."""

    name = Wake.INGEST

    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        publish: Callable[[Envelope], Awaitable[None]],
        wake_all: Callable[[Iterable[Wake]], Awaitable[None]],
    ) -> None:
        super().__init__()
        self._settings = settings
        self._metrics = metrics
        self._publish = publish
        self._wake_all = wake_all
        self._child: asyncio.subprocess.Process | None = None
        self._heard: float | None = None  # when the running worker last said anything
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def wake(self, loop: Wake = Wake.INGEST) -> None:
        """Wake ingest, or another of the worker's loops (`ChildLoop`), in the worker."""
        child = self._child
        if child is None or child.stdin is None or child.stdin.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            child.stdin.write(MEDIA_BYTE if loop == Wake.MEDIA else b"\x01")

    def start(self) -> None:
        self._task = asyncio.create_task(self._supervise(), name="ingest-process")

    async def stop(self, grace_seconds: float = 1.0) -> None:
        """Ask the worker to finish its batch and leave; killed after `grace_seconds` (its batch
        is one transaction: cut short, it rolls back and the webhooks wait, stored, for the
        next start), so a stop is never held up by it."""
        self._stopping = True
        await self._end_child(grace_seconds)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        # A worker that died with the same signal may have been started again meanwhile.
        await self._end_child(0)

    async def _end_child(self, grace_seconds: float) -> None:
        child = self._child
        if child is None or child.returncode is not None:
            return
        if child.stdin is not None:
            child.stdin.close()  # end of file: the worker finishes its batch and leaves
        try:
            async with asyncio.timeout(grace_seconds):
                await child.wait()
        except TimeoutError:
            child.kill()
            await child.wait()

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            loop = asyncio.get_running_loop()
            born = loop.time()
            code = await self._run_child()
            if self._stopping:
                return
            failures = 0 if loop.time() - born > STEADY_SECONDS else failures + 1
            pause = RESTART_PAUSES[min(failures, len(RESTART_PAUSES) - 1)]
            log.error("ingest.worker_died", extra={"exit_code": code, "restart_in": pause})
            await asyncio.sleep(pause)

    async def _run_child(self) -> int:
        self.starts += 1
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "parley.ingest.process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PARLEY_INGEST_SETTINGS": self._settings.model_dump_json()},
            limit=64 * 1024 * 1024,  # one event line can carry a long message
        )
        self._child = child
        self.wake()  # whatever was stored while no worker ran
        assert child.stdout is not None
        loop = asyncio.get_running_loop()
        self._heard = None
        watch = asyncio.create_task(self._watch(child, loop.time()))
        try:
            while line := await child.stdout.readline():
                self._heard = loop.time()
                await self._relay(line)
        finally:
            watch.cancel()
            if self._stopping and child.returncode is None:
                child.kill()  # stopped while this one ran: `stop` is waiting for this task
            code = await child.wait()
        return code

    async def _watch(self, child: asyncio.subprocess.Process, started: float) -> None:
        """Kill the worker once it has said nothing (not even its heartbeat) for
        `worker_stall_seconds`: stuck, it would hold every webhook back while looking alive."""
        loop = asyncio.get_running_loop()
        stall = self._settings.worker_stall_seconds
        while child.returncode is None:
            await asyncio.sleep(min(1.0, stall / 4))
            silent = loop.time() - (self._heard or started)
            if silent > (stall if self._heard is not None else max(stall, STARTUP_SECONDS)):
                log.error(
                    "ingest.worker_stalled", extra={"pid": child.pid, "silent_s": round(silent, 1)}
                )
                child.kill()  # the relay then reads the end of its output: it is started again
                return

    async def _relay(self, line: bytes) -> None:
        kind, body = line[:1], line[1:]
        try:
            if kind == b"E":
                await self._publish(Envelope.from_bytes(body))
            elif kind == b"W":
                await self._wake_all(Wake(name) for name in orjson.loads(body))
            elif kind == b"H":
                pass  # the worker's heartbeat: hearing it was the point
            elif kind == b"C":
                for name, count in orjson.loads(body).items():
                    if name in COUNTERS:
                        getattr(self._metrics, name).inc(count)
        except Exception:  # one bad line never stops the relay
            log.warning("ingest.relay_failed", exc_info=True)


class ChildLoop(Worker):
    """A loop of this node that runs in its ingest worker process: waking it here wakes it
    there; it starts and stops with the process."""

    def __init__(self, process: IngestProcess, name: Wake) -> None:
        super().__init__()
        self.name = name
        self._process = process

    def wake(self) -> None:
        self._process.wake(Wake(self.name))

    def start(self) -> None:
        return None

    async def stop(self, grace_seconds: float = 5.0) -> None:
        return None


# The worker process.


class _Pipe:
    """The worker's bus and waker: lines on stdout, read by the node."""

    shared = False

    def __init__(self) -> None:
        self._out = sys.stdout.buffer
        self.local: dict[Wake, Worker] = {}  # loops of this process, woken here

    def send(self, kind: bytes, body: bytes) -> None:
        self._write(kind + body + b"\n")

    def _write(self, lines: bytes) -> None:
        try:
            self._out.write(lines)
            self._out.flush()
        except BrokenPipeError:
            _node_gone()

    async def start(self, deliver: Any) -> None:
        return None

    async def publish(self, envelope: Envelope) -> None:
        self.send(b"E", envelope.to_bytes())

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """A batch's events in one write: the node reads them in one wake-up, not one each."""
        self._write(b"".join(b"E" + envelope.to_bytes() + b"\n" for envelope in envelopes))

    async def ping(self) -> bool:
        return True

    async def stop(self) -> None:
        return None

    async def wake_all(self, workers: Iterable[Wake]) -> None:
        remote = set()
        for name in workers:
            if (local := self.local.get(name)) is not None:
                local.wake()
            else:
                remote.add(name)
        if remote:
            self.send(b"W", orjson.dumps(sorted(remote)))


async def _serve(settings: Settings) -> None:
    from parley import heap
    from parley.clock import SystemClock
    from parley.db.engine import build_engine, build_sessionmaker
    from parley.db.gate import WriteGate
    from parley.db.uow import UnitOfWork
    from parley.ingest.log import log_engine, log_gate
    from parley.ingest.worker import IngestWorker
    from parley.routing.worker import RoutingWorker

    # This process serves no request: its statements run on its own thread (`db.inline`).
    engine = build_engine(settings, inline=True)
    sessionmaker = build_sessionmaker(engine)
    webhooks = log_engine(settings, inline=True)  # the node created it and moved its backlog in
    log_sessions = build_sessionmaker(webhooks) if webhooks is not None else None
    pipe = _Pipe()
    webhooks_gate = log_gate(settings)
    gate = WriteGate.for_url(settings.resolved_database_url) if settings.is_sqlite else None
    metrics = Metrics()
    sent = dict.fromkeys(COUNTERS, 0.0)

    def uow() -> UnitOfWork:
        return UnitOfWork(sessionmaker, pipe, gate, waker=pipe.wake_all)

    def log_uow() -> UnitOfWork:
        assert log_sessions is not None
        return UnitOfWork(log_sessions, pipe, webhooks_gate)

    def ingested() -> None:
        counts = {}
        for name in COUNTERS:
            value = getattr(metrics, name)._value.get()
            if value != sent[name]:
                counts[name], sent[name] = value - sent[name], value
        if counts:
            pipe.send(b"C", orjson.dumps(counts))

    clock = SystemClock()
    # Routing next to ingest: what a batch queued is offered from this process, so the
    # node's own writes don't take turns with ingest for the file on every batch.
    routing = RoutingWorker.from_settings(uow, clock, settings)
    pipe.local[Wake.ROUTING] = routing
    worker = IngestWorker(
        uow,
        clock,
        metrics,
        on_ingested=ingested,
        phone_number_id=settings.whatsapp_phone_number_id,
        prefer_previous=settings.route_to_previous_agent,
        log=log_uow if log_sessions is not None else None,
    )
    media, http = _media_fetcher(settings, uow, clock, defer_to=worker.caught_up)
    if settings.is_sqlite:
        await _release_media_claims(uow, clock)
    pipe.local[Wake.MEDIA] = media
    heap.settle()
    heap.collect_young_less_often()
    loops = (worker, routing, media)
    for one in loops:
        one.start()
    heartbeat = asyncio.create_task(_heartbeat(pipe))
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while wakes := await reader.read(4096):
            if MEDIA_BYTE in wakes:
                media.wake()
            if wakes.strip(MEDIA_BYTE):
                worker.wake()
    finally:  # the node closed the pipe, or is gone
        heartbeat.cancel()
        await asyncio.gather(*(one.stop() for one in loops))
        await http.aclose()
        await engine.dispose()
        if webhooks is not None:
            await webhooks.dispose()
        # The batch is committed and the engine closed: leave now, without the event loop's
        # and the interpreter's teardown (they wait on idle driver threads for a second).
        sys.stdout.flush()
        os._exit(0)


async def _release_media_claims(uow: Callable[[], UnitOfWork], clock: Clock) -> None:
    """On SQLite this process is its node's only media fetcher: what a worker before it had
    claimed is fetched now, not when the claim's lease runs out."""
    from parley.media.inbound import release_claims

    async with uow() as releasing:
        released = await release_claims(releasing, clock.now())
        await releasing.commit()
    if released:
        log.info("media.claims_released", extra={"count": released})


async def _heartbeat(pipe: _Pipe) -> None:
    """Tell the node this process's event loop still turns (`WorkerProcess._watch`)."""
    while True:
        pipe.send(b"H", b"")
        await asyncio.sleep(HEARTBEAT_SECONDS)


def _node_gone() -> NoReturn:
    """The node died before this process (killed with -9): what was committed is stored and
    there is nobody left to tell. Leave now, as a killed worker would: every loop of this
    process writing to the closed pipe would otherwise end in a traceback of its own."""
    log.info("ingest.node_gone")
    os._exit(0)


def _media_fetcher(
    settings: Settings,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    defer_to: asyncio.Event,
) -> tuple[Worker, httpx.AsyncClient]:
    """The media fetcher of this process (it lets ingest go first until `defer_to` is set),
    and the HTTP client it fetches with."""
    from parley.media.storage import open_storage
    from parley.media.worker import MediaFetcher, url_hosts
    from parley.whatsapp.graph import GraphClient

    http = httpx.AsyncClient(timeout=settings.whatsapp_timeout_seconds)
    gateway = GraphClient.from_settings(settings, http)
    fetcher = MediaFetcher(
        uow,
        clock,
        gateway,
        open_storage(settings),
        attempts=settings.media_fetch_attempts,
        url_hosts=url_hosts(settings.whatsapp_api_base_url),
        defer_to=defer_to,
    )
    return fetcher, http


def main() -> None:
    from parley.logs import configure_logging

    # Ctrl+C in a terminal reaches the whole process group: the node stops this worker itself,
    # by closing its stdin, once its own shutdown begins.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settings = Settings(**orjson.loads(os.environ["PARLEY_INGEST_SETTINGS"]), _env_file=None)
    configure_logging(settings.log_level)
    try:
        import uvloop
    except ImportError:
        factory = None
    else:
        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(_serve(settings))


if __name__ == "__main__":
    main()
