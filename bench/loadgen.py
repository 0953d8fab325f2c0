"""The load generator (a separate process): signed webhooks at a set rate, latency to the socket.

    python -m bench.loadgen --url http://127.0.0.1:8000/webhooks/whatsapp --count 5000 --rate 500 \
        [--ws "ws://127.0.0.1:8000/api/v1/events?token=…"] --out result.json

Each webhook carries one text message with a unique wamid. With --ws, the generator listens as a
supervisor and times each message from the start of its POST to its `message.created` event.
--rate 0 sends as fast as the connections allow (closed loop).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from bench.graph import photo_sha256

SECRET = "parley-dev-app-secret"
PHOTO_SHA256 = photo_sha256()  # what bench.graph serves for every media id
PHONE = {"display_phone_number": "15550001111", "phone_number_id": "109876543210987"}


def _message(kind: str, run: str, n: int, wa_id: str, media_base: str) -> dict[str, Any]:
    base = {"from": wa_id, "id": f"wamid.BENCH.{run}.{n}", "timestamp": str(int(time.time()))}
    if kind == "image":
        image = {
            "id": f"77{n}",
            "mime_type": "image/jpeg",
            "sha256": PHOTO_SHA256,
            "caption": "photo",
        }
        if media_base:  # the media URL webhooks carry since 2025 (bench.graph serves it)
            image["url"] = f"{media_base}/media/77{n}"
        return {**base, "type": "image", "image": image}
    if kind == "reaction":
        return {**base, "type": "reaction",
                "reaction": {"message_id": f"wamid.BENCH.{run}.{max(0, n - 3)}", "emoji": "👍"}}  # fmt: skip
    text = {"body": f"Hello, this is message {n}"}
    if kind == "reply":
        return {**base, "type": "text", "text": text,
                "context": {"from": PHONE["display_phone_number"], "id": f"wamid.BENCH.{run}.{max(0, n - 5)}"}}  # fmt: skip
    return {**base, "type": "text", "text": text}


def kind_of(n: int, mix: bool) -> str:
    """The realistic mix, by position: 10 % media, 5 % reactions, 10 % quoted replies, 10 %
    status webhooks (for the business's own messages), 5 % from a contact never seen, the rest
    text from returning contacts."""
    if not mix:
        return "text"
    return {0: "image", 1: "image", 2: "reaction", 3: "reply", 4: "reply", 5: "status",
            6: "status", 7: "new"}.get(n % 20, "text")  # fmt: skip


def body_for(
    run: str, n: int, contacts: int, mix: bool = False, history: bool = False,
    media_base: str = "",
) -> tuple[str, bytes]:  # fmt: skip
    """The tag of webhook `n` (its message's wamid, or `status:<n>`) and its body."""
    kind = kind_of(n, mix)
    new = f"5599{int(run[:4], 16) % 10000:04d}{n:07d}"
    # With `history`: the contacts of bench.history, each with 100 messages already stored.
    returning = f"5521{n % contacts + 1:08d}" if history else f"5511{n % contacts:09d}"
    wa_id = new if kind == "new" else returning
    value: dict[str, Any] = {"messaging_product": "whatsapp", "metadata": PHONE}
    if kind == "status":
        # A read receipt for one of the business's messages (the history's even wamids).
        value["statuses"] = [{"id": f"wamid.H{2 * (n % 400_000) + 2}", "status": "read",
                              "timestamp": str(int(time.time())), "recipient_id": wa_id}]  # fmt: skip
        tag = f"status:{n}"
    else:
        value["contacts"] = [{"profile": {"name": f"Customer {n % contacts}"}, "wa_id": wa_id}]
        message = _message(kind, run, n, wa_id, media_base)
        value["messages"] = [message]
        tag = message["id"]
    change = {"field": "messages", "value": value}
    payload = {"object": "whatsapp_business_account",
               "entry": [{"id": "880011223344556", "changes": [change]}]}  # fmt: skip
    return tag, orjson.dumps(payload)


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Result:
    offered_rate: float
    count: int
    accepted: int = 0
    refused: int = 0
    send_seconds: float = 0.0
    accepted_per_second: float = 0.0
    processed: int = 0
    processed_per_second: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    run: str = ""
    # Raw timings for the driver, in seconds from the first POST: when each tag was sent, the
    # tags answered 200, when each wamid's message.created reached an agent's socket, and when
    # each interaction first reached an agent's socket (offered or updated, with that agent).
    sent_at: dict[str, float] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)
    message_at: dict[str, float] = field(default_factory=dict)
    routed_at: dict[str, float] = field(default_factory=dict)


class Connection:
    """A minimal HTTP/1.1 keep-alive client: one request at a time, Content-Length bodies.

    A generic client (httpx) costs more CPU per request than the server it measures."""

    def __init__(self, host: str, port: int, path: str, secret: str = SECRET) -> None:
        self.host, self.port, self.path, self.secret = host, port, path, secret
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> int:
        """A signed webhook."""
        return await self.request(
            self.path, body, f"X-Hub-Signature-256: {sign(body, self.secret)}"
        )

    async def request(self, path: str, body: bytes, *headers: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(
            [f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"]
            + [f"{header}\r\n" for header in headers]
            + [f"Content-Length: {len(body)}\r\n\r\n"]
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def listen(
    ws_url: str, seen: dict[str, float], ready: asyncio.Event, done: asyncio.Event, expected: int
) -> None:
    from websockets.asyncio.client import connect

    async with connect(ws_url, max_queue=None) as ws:
        ready.set()
        async for frame in ws:
            event = orjson.loads(frame)
            if event.get("type") == "message.created":
                wamid = event["message"].get("wamid")
                if wamid and wamid not in seen:
                    seen[wamid] = time.perf_counter()
                    if len(seen) >= expected:
                        done.set()
                        return


async def listen_agent(
    ws_url: str, message_at: dict[str, float], routed_at: dict[str, float], ready: asyncio.Event
) -> None:
    """One agent's socket: the first time each message and each interaction reaches it."""
    from websockets.asyncio.client import connect

    async with connect(ws_url, max_queue=None) as ws:
        ready.set()
        async for frame in ws:
            now = time.perf_counter()
            event = orjson.loads(frame)
            kind = event.get("type")
            if kind == "message.created":
                wamid = event["message"].get("wamid")
                if wamid:
                    message_at.setdefault(wamid, now)
            elif kind in ("interaction.offered", "interaction.updated"):
                interaction = event.get("interaction") or {}
                if interaction.get("agent_id") is not None:
                    routed_at.setdefault(str(interaction["id"]), now)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> Result:
    url = urlsplit(args.url)
    run_id = uuid.uuid4().hex[:8]
    bodies = [body_for(run_id, n, args.contacts, args.mix, args.history, args.media_base)
              for n in range(args.count)]  # fmt: skip
    agents: list[str] = args.agent_urls
    message_at: dict[str, float] = {}
    routed_at: dict[str, float] = {}
    readies = [asyncio.Event() for _ in agents]
    sockets = [
        asyncio.create_task(listen_agent(url, message_at, routed_at, ready))
        for url, ready in zip(agents, readies, strict=True)
    ]
    for ready in readies:
        await asyncio.wait_for(ready.wait(), 30)
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    result = Result(offered_rate=args.rate, count=args.count, run=run_id)
    ready, done = asyncio.Event(), asyncio.Event()
    listener = None
    if args.ws:
        listener = asyncio.create_task(listen(args.ws, seen, ready, done, args.count))
        await asyncio.wait_for(ready.wait(), 10)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(args.count):
        queue.put_nowait(n)
    start = time.perf_counter()

    async def worker() -> None:
        connection = Connection(url.hostname or "127.0.0.1", url.port or 80, url.path, args.secret)
        while not queue.empty():
            n = queue.get_nowait()
            if args.rate > 0:
                delay = start + n / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            wamid, body = bodies[n]
            sent[wamid] = time.perf_counter()
            status = await connection.post(body)
            if status == 200:
                result.accepted += 1
                result.acknowledged.append(wamid)
            else:
                result.refused += 1

    await asyncio.gather(*(worker() for _ in range(args.connections)))
    result.send_seconds = time.perf_counter() - start
    result.accepted_per_second = result.accepted / result.send_seconds
    if sockets:
        # Until the agents' sockets have been quiet for a while: the work has settled.
        heard = -1
        deadline = time.perf_counter() + args.timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(args.quiet)
            if len(message_at) + len(routed_at) == heard:
                break
            heard = len(message_at) + len(routed_at)
        for task in sockets:
            task.cancel()
        result.sent_at = {tag: at - start for tag, at in sent.items()}
        result.message_at = {w: at - start for w, at in message_at.items()}
        result.routed_at = {i: at - start for i, at in routed_at.items()}
    if listener is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), args.timeout)
        listener.cancel()
        result.processed = len(seen)
        if seen:
            result.processed_per_second = len(seen) / (max(seen.values()) - start)
            latencies = [(seen[w] - sent[w]) * 1000 for w in seen if w in sent]
            result.latency_ms = {
                p: round(percentile(latencies, float(p[1:])), 1) for p in ("p50", "p95", "p99")
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", default=SECRET)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=0.0, help="webhooks per second; 0 = max")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--ws", default="", help="a supervisor's socket (the older measure)")
    parser.add_argument("--agents", default="", help="a JSON file: the agents' socket URLs")
    parser.add_argument("--mix", action="store_true", help="the realistic mix, not only text")
    parser.add_argument("--history", action="store_true", help="contacts of bench.history")
    parser.add_argument("--media-base", default="", help="bench.graph's URL, for images' URLs")
    parser.add_argument("--quiet", type=float, default=2.0, help="seconds of silence = settled")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    args.agent_urls = json.loads(Path(args.agents).read_text()) if args.agents else []
    result = asyncio.run(run(args))
    text = json.dumps(asdict(result))
    if args.out:
        with open(args.out, "w") as handle:
            handle.write(text)
    print(text)


if __name__ == "__main__":
    main()
