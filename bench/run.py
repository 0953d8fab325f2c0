"""Parley's benchmarks: one command, one machine, one report.

    python -m bench.run [--quick] [--backends sqlite,postgres]
                        [--only inbound,ingest,outbound,sockets,routing,desktop,contacts]

Inbound on one SQLite node (the realistic mix, latency to the agents' sockets, every
acknowledged wamid checked, the FastAPI and raw ASGI ceilings interleaved, CPU per webhook, and
a run on a database holding 1,000,000 messages), inbound per backend (text only, the older
measure: `--only ingest`), outbound through the outbox to the
simulator (at the configured per-number rate and at a high one), 1,000 WebSockets on one node,
routing 10,000 queued interactions to 500 agents, the desktop with a 2,000-message
transcript in Chromium, and contact search on 100,000 contacts. Prints Markdown tables; writes
the raw figures to bench/results/ and the latency plot to docs/img/latency.png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import contacts, desktop, inbound, ingest, outbound, report, routing, sockets
from bench.procs import database_for

RESULTS = Path(__file__).parent / "results"
PLOT = Path(__file__).parent.parent / "docs" / "img" / "latency.png"
INBOUND_PLOT = Path(__file__).parent.parent / "docs" / "img" / "inbound-latency.png"
RATES = (250, 500, 1000, 1500, 2000)


def run_ingest(
    backends: list[str], scale: float, tmp: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    burst = int(10000 * scale)
    plan = [(burst, 0.0)] + [(int(rate * 8 * scale), float(rate)) for rate in RATES]
    bare = ingest.bare(8190, burst * 2)
    print(f"  bare     rate=   max accepted/s={bare['accepted_per_second']:8.0f}", flush=True)
    runs: list[dict[str, Any]] = []
    for n, backend in enumerate(backends):
        work = tmp / f"ingest-{backend}"
        work.mkdir()
        runs += ingest.parley(backend, 8191 + n, work, plan)
    return bare, runs


def run_routing(backends: list[str], tmp: Path) -> list[dict[str, Any]]:
    runs = []
    for backend in backends:
        work = tmp / f"routing-{backend}"
        work.mkdir()
        result = asyncio.run(
            routing.measure(database_for(backend, work), work, interactions=10000, agents=500)
        )
        runs.append({"backend": backend, **result})
        print(f"  routing {backend}: {result}", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer messages per step")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--only", default="inbound,outbound,sockets,routing,desktop,contacts")
    parser.add_argument(
        "--history", type=int, default=1_000_000, help="messages stored for the history run"
    )
    args = parser.parse_args()
    backends, parts = args.backends.split(","), set(args.only.split(","))
    scale = 0.3 if args.quick else 1.0
    started = datetime.now(UTC)
    header = (
        f"Parley benchmarks, {started:%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"command: python -m bench.run {' '.join(sys.argv[1:])}".rstrip()
    )
    print(header, flush=True)
    figures: dict[str, Any] = {"header": header}
    sections = [header]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "inbound" in parts:
            burst = int(6000 * scale)
            result = inbound.measure(
                tmp / "inbound",
                burst=burst,
                rates=[(int(rate * 10 * scale), float(rate)) for rate in (250, 500, 1000)],
                rounds=3,
                history=args.history,
                ports=(8180, 8181, 8182),
            )
            figures["inbound"] = result
            sections.append("Inbound (one SQLite node)\n\n" + report.inbound_table(result))
            report.plot_inbound(result, INBOUND_PLOT)
        if "ingest" in parts:
            bare, runs = run_ingest(backends, scale, tmp)
            figures["ingest"] = {"bare": bare, "runs": runs}
            sections.append("Inbound\n\n" + report.ingest_table(bare, runs))
            report.plot(runs, PLOT)
        if "outbound" in parts:
            count = max(1, int(10 * scale))
            runs = [
                outbound.run(8291, 8292, rate=80, per_interaction=count),
                outbound.run(8293, 8294, rate=1000, per_interaction=count),
            ]
            figures["outbound"] = runs
            sections.append("Outbound\n\n" + report.outbound_table(runs))
        if "sockets" in parts:
            result = sockets.run(8295)
            figures["sockets"] = result
            sections.append("WebSockets\n\n" + report.sockets_table(result))
        if "routing" in parts:
            runs = run_routing(backends, tmp)
            figures["routing"] = runs
            sections.append("Routing\n\n" + report.routing_table(runs))
        if "contacts" in parts:
            runs = contacts.run(backends, contacts=100_000, queries=max(20, int(200 * scale)))
            figures["contacts"] = runs
            sections.append("Contact search\n\n" + contacts.table(runs))
        if "desktop" in parts:
            result = desktop.run(8296)
            figures["desktop"] = result
            sections.append("Desktop\n\n" + report.desktop_table(result))
    print("\n\n".join(sections))
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
