"""Inbound, measured honestly: Parley against its two ceilings in the same run, interleaved.

One node (`parley serve`, its own process, with its ingest worker process) on a fresh SQLite
database, with 20 Ready agents (capacity 500 each), each on its own WebSocket, and 300 returning
customers; it fetches the inbound images from a stand-in of the Cloud API (`bench.graph`). The load
generator (another process) sends signed webhooks in the realistic mix (`bench.loadgen --mix`).
A message counts as fully processed when it reached the socket of the agent who holds its
interaction: its `message.created`, or, for the message that started the interaction, the
`interaction.offered`/`updated` routing it to that agent. Latency is from the start of its POST.

A second node, on a database already holding `history` messages, runs the same full-speed
rounds alternating with the fresh one (it waits idle meanwhile), so both meet the same moments
of a shared machine; their medians are compared.

After every step the database is checked: each acknowledged wamid of the run's tag stored
exactly once. The ceilings (a FastAPI route and a plain ASGI app: read, HMAC check, 200) run as
their own processes and are measured at full speed between Parley's own full-speed rounds.
CPU is read from /proc (user + system time of the server and its worker process) and given per
webhook: a steadier figure than a rate on a shared machine. It is read once the step's images are
fetched and stored (they go after text under load), so it includes them, and the next step
starts on a quiet node.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.ingest import _wait_post
from bench.procs import PASSWORD, node_env, parley_node, wait_ready
from bench.seed import seed
from parley.db.engine import build_engine
from parley.settings import Settings

AGENTS = 20
CONTACTS = 300
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and of its live children (the ingest worker), from /proc."""
    total = 0.0
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(c) for c in path.read_text().split()] if path.exists() else []
    for one in [pid, *children]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _loadgen(url: str, count: int, rate: float, *extra: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-m", "bench.loadgen", "--url", url, "--count", str(count),
                   "--rate", str(rate), "--contacts", str(CONTACTS), "--out", out.name, *extra]  # fmt: skip
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())
    return result


def bare_round(port: int, pid: int, count: int) -> dict[str, Any]:
    before = cpu_seconds(pid)
    result = _loadgen(f"http://127.0.0.1:{port}/webhooks/whatsapp", count, 0)
    used = cpu_seconds(pid) - before
    return {"accepted_per_second": result["accepted_per_second"],
            "cpu_us": round(1e6 * used / max(1, result["accepted"]))}  # fmt: skip


async def _stored(database: str, work: Path, run: str) -> dict[str, tuple[int, int, str]]:
    """wamid → (copies, interaction id, type) of the run's tagged messages."""
    settings = Settings(database_url=database, data_dir=work, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT wamid, count(*), min(interaction_id), min(type) FROM messages "
                    "WHERE wamid LIKE :tag GROUP BY wamid"
                ),
                {"tag": f"wamid.BENCH.{run}.%"},
            )
            return {w: (n, i, t) for w, n, i, t in rows}
    finally:
        await engine.dispose()


async def _media_settled(database: str, work: Path, within: float = 300.0) -> float:
    """Seconds until no contact's file is still being fetched (the step's photos stored)."""
    settings = Settings(database_url=database, data_dir=work, _env_file=None)  # type: ignore[call-arg]
    engine = build_engine(settings)
    started = time.monotonic()
    query = text("SELECT count(*) FROM attachments WHERE direction = 'in' AND state = 'loading'")
    try:
        while time.monotonic() - started < within:
            async with engine.connect() as connection:
                if not (await connection.execute(query)).scalar():
                    break
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    return time.monotonic() - started


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def parley_step(
    port: int, pid: int, database: str, work: Path, count: int, rate: float, agents: Path,
    *extra: str,
) -> dict[str, Any]:  # fmt: skip
    before = cpu_seconds(pid)
    raw = _loadgen(f"http://127.0.0.1:{port}/webhooks/whatsapp", count, rate,
                   "--agents", str(agents), "--mix", "--media-base", f"http://127.0.0.1:{port + 1}",
                   *extra)  # fmt: skip
    # The step's photos are fetched (at a lower priority than text) before its CPU is read and
    # before the next step starts: their cost is this step's, and the next starts on a quiet node.
    media_s = asyncio.run(_media_settled(database, work))
    used = cpu_seconds(pid) - before
    stored = asyncio.run(_stored(database, work, raw["run"]))
    acked = [tag for tag in raw["acknowledged"] if not tag.startswith("status:")]
    once = sum(1 for w in acked if stored.get(w, (0,))[0] == 1)
    unacknowledged = len(set(stored) - set(acked))
    arrivals: list[float] = []
    latencies: list[float] = []
    shown = [w for w in acked if w in stored and stored[w][2] != "reaction"]
    for wamid in shown:
        sent = raw["sent_at"][wamid]
        at = raw["message_at"].get(wamid)
        routed = raw["routed_at"].get(str(stored[wamid][1]))
        if at is None and routed is not None and routed >= sent:
            at = routed  # it started its interaction: it reached the agent with the offer
        if at is not None:
            arrivals.append(at)
            latencies.append(1000 * (at - sent))
    return {
        "offered_rate": rate,
        "webhooks": count,
        "acknowledged": raw["accepted"],
        "accepted_per_second": round(raw["accepted_per_second"]),
        "messages_acknowledged": len(acked),
        "stored_exactly_once": once,
        "stored_not_acknowledged": unacknowledged,
        "shown": len(shown),
        "at_agents": len(arrivals),
        "processed_per_second": round(len(arrivals) / max(arrivals)) if arrivals else 0,
        "latency_ms": {f"p{p}": round(_percentile(latencies, p), 1) for p in (50, 95, 99)}
        if latencies
        else {},
        "cpu_us": round(1e6 * used / max(1, raw["accepted"])),
        "media_settled_s": round(media_s, 1),
        "send_seconds": round(raw["send_seconds"], 2),
        "last_arrival_s": round(max(arrivals), 2) if arrivals else None,
        "arrival_p99_s": round(_percentile(arrivals, 99), 2) if arrivals else None,
    }


def measure(
    work: Path, *, burst: int, rates: list[tuple[int, float]], rounds: int, history: int,
    ports: tuple[int, int, int],
) -> dict[str, Any]:  # fmt: skip
    """The whole inbound benchmark; `history`: messages already stored for the last run."""
    fastapi_port, raw_port, node_port = ports
    bares = {
        "fastapi": subprocess.Popen([sys.executable, "-m", "bench.bare", "--port", str(fastapi_port)]),
        "raw": subprocess.Popen([sys.executable, "-m", "bench.bare", "--raw", "--port", str(raw_port)]),
    }  # fmt: skip
    figures: dict[str, Any] = {"fastapi": [], "raw": [], "parley": [], "rates": [], "history": []}
    try:
        _wait_post(fastapi_port)
        _wait_post(raw_port)
        with contextlib.ExitStack() as nodes:
            fresh = nodes.enter_context(_node(work / "fresh", node_port))
            # The node on a database holding history waits beside the fresh one (idle, it costs
            # nothing), so their full-speed rounds alternate and meet the same machine's moods.
            grown = (
                nodes.enter_context(_node(work / "history", node_port + 2, history=history))
                if history
                else None
            )
            for _ in range(rounds):  # interleaved: each ceiling, then Parley, again
                for name, port in (("fastapi", fastapi_port), ("raw", raw_port)):
                    figures[name].append(bare_round(port, bares[name].pid, burst))
                    print(f"  {name:8} {figures[name][-1]}", flush=True)
                figures["parley"].append(_step(fresh, work / "fresh", burst, 0))
                if grown is not None:
                    figures["history"].append(_step(grown, work / "history", burst, 0, history))
            for count, rate in rates:
                figures["rates"].append(_step(fresh, work / "fresh", count, rate))
            if grown is not None:
                for count, rate in rates[1:2]:
                    figures["history"].append(_step(grown, work / "history", count, rate, history))
    finally:
        for process in bares.values():
            process.terminate()
            process.wait()
    figures["ratios"] = _ratios(figures)
    return figures


def _step(
    node: tuple[int, int, str, Path], work: Path, count: int, rate: float, history: int = 0
) -> dict[str, Any]:
    """One step on `node` (`_node`'s port, pid, database and agents), printed as it ends."""
    port, pid, database, agents = node
    extra = ("--history",) if history else ()
    step = parley_step(port, pid, database, work, count, rate, agents, *extra)
    if history:
        step["history"] = history
    print(f"  {'history' if history else 'parley':8} {_brief(step)}", flush=True)
    return step


def _brief(step: dict[str, Any]) -> str:
    return (f"rate={step['offered_rate'] or 'max'} processed/s={step['processed_per_second']} "
            f"at agents {step['at_agents']}/{step['shown']} once {step['stored_exactly_once']}/"
            f"{step['messages_acknowledged']} cpu={step['cpu_us']}us latency={step['latency_ms']} "
            f"images stored {step['media_settled_s']}s later")  # fmt: skip


def _ratios(figures: dict[str, Any]) -> dict[str, float]:
    """Parley's full-speed rate over each ceiling's, round by round (the median); and, as
    `history`, its median full-speed rate on the database holding history over the fresh one's."""
    out = {}
    for name in ("fastapi", "raw"):
        pairs = zip(figures["parley"], figures[name], strict=True)
        ratios = [p["processed_per_second"] / b["accepted_per_second"] for p, b in pairs]
        out[name] = round(statistics.median(ratios), 3) if ratios else 0.0
    fresh = [s["processed_per_second"] for s in figures["parley"]]
    grown = [s["processed_per_second"] for s in figures["history"] if not s["offered_rate"]]
    if fresh and grown:
        out["history"] = round(statistics.median(grown) / statistics.median(fresh), 3)
    return out


class _node:
    """A seeded `parley serve` (with its ingest worker) and its agents' socket URLs."""

    def __init__(self, work: Path, port: int, *, history: int = 0) -> None:
        self.work, self.port, self.history = work, port, history

    def __enter__(self) -> tuple[int, int, str, Path]:
        self.work.mkdir(parents=True, exist_ok=True)
        database = f"sqlite:///{self.work / 'bench.db'}"
        tokens = asyncio.run(
            # Conversations are never closed here: 20 agents x 500 seats hold every one the
            # steps open (about 2,000 at 100 each left the last new ones queued, not offered).
            seed(database, self.work, agents=AGENTS, password=PASSWORD, capacity=500)
        )
        if self.history:
            from bench.history import fill_history

            asyncio.run(fill_history(database, self.work, contacts=10_000, messages=self.history))
        agents = self.work / "agents.json"
        base = f"ws://127.0.0.1:{self.port}/api/v1/events?token="
        agents.write_text(json.dumps([base + tokens[f"agent{n}"] for n in range(AGENTS)]))
        # The Cloud API's media endpoints: the images are fetched, as in production (the load
        # generator's images carry URLs on it: `parley_step`).
        graph_port = self.port + 1
        command = [sys.executable, "-m", "bench.graph", "--port", str(graph_port)]
        self._graph = subprocess.Popen(command)
        wait_ready(f"http://127.0.0.1:{graph_port}/v23.0/1")
        env = node_env(database, self.work, auto_accept="true")
        env["PARLEY_WHATSAPP_API_BASE_URL"] = f"http://127.0.0.1:{graph_port}"
        self._context = parley_node(self.port, env)
        server = self._context.__enter__()
        return self.port, server.pid, database, agents

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(None, None, None)
        self._graph.terminate()
        self._graph.wait()
