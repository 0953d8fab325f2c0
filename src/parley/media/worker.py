"""The media fetcher: stores each contact's media from the Cloud API soon after its webhook.

Per file: `GET /{media-id}` for a 5-minute URL, then the bytes with the bearer token, streamed
into storage, the sha256 checked. A failure is retried with backoff (a fresh URL each time, as
Meta asks after a 404) up to `attempts` times, then the file is marked failed with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from parley.clock import Clock
from parley.db.uow import UnitOfWork
from parley.domain.attachments import INBOUND_MAX_BYTES
from parley.errors import ParleyError, StorageUnavailable
from parley.media import inbound
from parley.media.models import Attachment
from parley.media.service import AnyType, Intake, add_preview, discard, take_in
from parley.media.storage import Storage
from parley.whatsapp.errors import GraphError, GraphTransportError
from parley.whatsapp.graph import WhatsAppGateway
from parley.workers.base import Worker

log = logging.getLogger("parley.media")
BATCH = 8
META_MEDIA_HOST = "lookaside.fbsbx.com"  # where Meta's media URLs point (WHATSAPP.md §5)
BACKOFF_SECONDS = (2.0, 5.0, 15.0, 60.0, 300.0, 900.0)
# While ingest is behind, a batch of media waits up to this long for it to catch up: a photo
# costs milliseconds of CPU (download, checksum, preview), a text message a fraction of one, and
# the agent sees the photo's placeholder meanwhile. Sustained overload still fetches media.
DEFER_SECONDS = 1.0
# The fetches that end within this long of each other are recorded together.
WAVE_SECONDS = 0.05


FetchTask = asyncio.Task["Intake | Exception"]
Fetching = dict[FetchTask, tuple[int, int]]  # a fetch in flight → (attachment id, attempt)


class ChecksumMismatch(Exception):
    pass


def url_hosts(api_base_url: str) -> frozenset[str]:
    """The hosts a webhook's own media URL may be fetched from: Meta's media host, and that of
    the Cloud API base Parley talks to (a stand-in of it in tests and the demo)."""
    return frozenset({META_MEDIA_HOST, urlsplit(api_base_url).hostname or META_MEDIA_HOST})


def backoff(attempt: int) -> float:
    """Seconds before attempt `attempt + 1` (attempt counts from 1)."""
    return BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]


class MediaFetcher(Worker):
    name = "media"
    poll_seconds = 2.0

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        gateway: WhatsAppGateway,
        storage: Storage,
        *,
        attempts: int = 6,
        url_hosts: frozenset[str] = frozenset(),
        defer_to: asyncio.Event | None = None,
    ) -> None:
        """`url_hosts`: the hosts a webhook's own media URL may be fetched from (with the
        access token): Meta's, and the Cloud API base's. `defer_to`: set when the work that goes
        first is not behind (ingest in the same process: `IngestWorker.caught_up`)."""
        super().__init__()
        self._uow = uow
        self._clock = clock
        self._gateway = gateway
        self._storage = storage
        self._attempts = attempts
        self._url_hosts = url_hosts
        self._defer_to = defer_to

    async def run_once(self) -> bool:
        """Fetch what is due, up to `BATCH` files at a time, until nothing more is (True: more
        may be due, but ingest is behind). Outcomes are recorded in waves as fetches end, and
        the places they free (or new files announced meanwhile) are filled at once: slow
        downloads (up to the request's timeout) hold back no other file while a place is free."""
        await self._let_text_first()
        fetching: Fetching = {}
        try:
            more = await self._claim_more(fetching)
            while fetching:
                wave, woken = await self._next_wave(fetching)
                if wave:
                    await self._record([fetching.pop(t) for t in wave], [t.result() for t in wave])
                if (more or woken) and len(fetching) < BATCH and not self._text_first():
                    more = await self._claim_more(fetching)
        finally:
            for task in fetching:  # stopped: the claims run out, or a new worker releases them
                task.cancel()
        return more

    async def _claim_more(self, fetching: Fetching) -> bool:
        """Claim files for the free places and start fetching them; False once fewer were due."""
        free = BATCH - len(fetching)
        async with self._uow() as uow:
            now = self._clock.now()
            claimed = await inbound.claim_due(uow, now, free)
            urls = await inbound.webhook_urls(uow, claimed, now, self._url_hosts)
            jobs = [
                (a.id, a.attempts, a.wa_media_id or "", a.wa_sha256, urls.get(a.id))
                for a in claimed
            ]
            await uow.commit()
        for job in jobs:
            fetching[asyncio.create_task(self._fetch(*job[2:]))] = (job[0], job[1])
        return len(jobs) == free

    async def _next_wave(self, fetching: Fetching) -> tuple[set[FetchTask], bool]:
        """The fetches done by the time the first is, with those done within `WAVE_SECONDS`
        after it (recorded in one transaction: on SQLite each holds the file's write lock); or
        none, when new files were announced first (the loop was woken)."""
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([*fetching, woken], return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        was_woken = self._wake.is_set()
        self._wake.clear()
        wave = {task for task in fetching if task.done()}
        waiting = fetching.keys() - wave
        if wave and waiting:
            later, _ = await asyncio.wait(waiting, timeout=WAVE_SECONDS)
            wave |= later
        return wave, was_woken

    def _text_first(self) -> bool:
        return self._defer_to is not None and not self._defer_to.is_set()

    async def _let_text_first(self) -> None:
        if self._defer_to is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DEFER_SECONDS):
                await self._defer_to.wait()

    async def _fetch(
        self, media_id: str, expected: str | None, url: str | None
    ) -> Intake | Exception:
        """The file in storage (with its preview if it has one), or why it could not be.
        `url`: the webhook's own URL for it, tried first (`inbound.webhook_urls`)."""
        try:
            intake = None
            if url is not None:
                intake = await self._download(url, fallback=True)
            if intake is None:
                info = await self._gateway.media_info(media_id)
                intake = await self._download(info.url, fallback=False)
            assert intake is not None
            if not inbound.sha256_matches(expected, intake.sha256):
                await self._storage.delete(intake.key)
                raise ChecksumMismatch("its checksum does not match what WhatsApp announced")
            # A contact's photo that cannot be previewed is still kept: it shows as a file.
            await add_preview(self._storage, intake, strict=False)
        except Exception as exc:
            return exc
        return intake

    async def _download(self, url: str, *, fallback: bool) -> Intake | None:
        """The file at `url`, stored; with `fallback`, None instead of a Cloud API error or
        an unanswered request (the URL expired: ask for a new one)."""
        try:
            async with self._gateway.open_media(url) as stream:
                return await take_in(
                    self._storage, stream.chunks, limit_for=AnyType(INBOUND_MAX_BYTES)
                )
        except (GraphError, GraphTransportError):
            if not fallback:
                raise
            return None

    async def _record(
        self, jobs: list[tuple[int, int]], outcomes: list[Intake | Exception]
    ) -> None:
        """The batch's outcomes in one transaction: on SQLite each transaction holds the file's
        one write lock, which ingest waits for (one per file had it waiting half its time at
        full load). `jobs`: (attachment id, attempt) per outcome."""
        kept = [o for o in outcomes if isinstance(o, Intake)]
        retries = []
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                locked = await inbound.lock_for_recording(uow, [id_ for id_, _ in jobs])
                for (attachment_id, attempt), outcome in zip(jobs, outcomes, strict=True):
                    attachment = locked.get(attachment_id)
                    if isinstance(outcome, Exception):
                        failed = (attachment_id, attachment, attempt)
                        retries.append(await self._failed(uow, *failed, outcome))
                    elif await inbound.record_fetched(uow, attachment, now, outcome) is None:
                        await discard(self._storage, outcome.keys)  # another node finished it
                    else:
                        log.info(
                            "media.fetched",
                            extra={"attachment_id": attachment_id, "bytes": outcome.size},
                        )
                await uow.commit()
        except BaseException:
            for intake in kept:
                await discard(self._storage, intake.keys)
            raise
        for retry_in in {r for r in retries if r is not None}:
            asyncio.get_running_loop().call_later(retry_in, self.wake)

    async def _failed(
        self,
        uow: UnitOfWork,
        attachment_id: int,
        attachment: Attachment | None,
        attempt: int,
        exc: Exception,
    ) -> float | None:
        """Record a failed fetch; returns the seconds until it is tried again (None: never)."""
        reason, final = _reason(exc)
        retry_in = None if final or attempt >= self._attempts else backoff(attempt)
        log.warning(
            "media.fetch_failed",
            extra={"attachment_id": attachment_id, "attempt": attempt, "reason": reason},
        )
        await inbound.record_failure(uow, attachment, self._clock.now(), reason, retry_in=retry_in)
        return retry_in


def _reason(exc: Exception) -> tuple[str, bool]:
    """What to tell the agent, and whether trying again is pointless."""
    if isinstance(exc, GraphError):
        # 131052: the user's media is unavailable (or 100 MB or more); it will not come back.
        gone = exc.code == 131052
        return f"WhatsApp answered {exc.code}: {exc.details or exc.message}", gone
    if isinstance(exc, GraphTransportError):
        return f"WhatsApp did not answer ({exc})", False
    if isinstance(exc, ChecksumMismatch):
        return str(exc), False
    if isinstance(exc, StorageUnavailable):
        return exc.message, False
    if isinstance(exc, ParleyError):  # too large
        return exc.message, True
    return f"{type(exc).__name__}: {exc}", False
