"""The benchmark's tables (Markdown) and its plot of latency against offered rate (PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def ingest_table(bare: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    ceiling = bare["accepted_per_second"]
    lines = [
        "| server | offered (/s) | accepted (/s) | fully processed (/s) | vs bare | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
        f"| bare endpoint | max | {ceiling:.0f} | – | 100 % | – | – | – |",
    ]
    for r in runs:
        rate = "max" if not r["offered_rate"] else f"{r['offered_rate']:.0f}"
        lat = r["latency_ms"] or {}
        ratio = (
            f"{100 * r['processed_per_second'] / ceiling:.0f} %" if not r["offered_rate"] else "–"
        )
        lines.append(
            f"| Parley, {r['backend']} | {rate} | {r['accepted_per_second']:.0f} | "
            f"{r['processed_per_second']:.0f} ({r['processed']}/{r['count']}) | {ratio} | "
            f"{lat.get('p50', '–')} | {lat.get('p95', '–')} | {lat.get('p99', '–')} |"
        )
    return "\n".join(lines)


def outbound_table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| configured rate (/s) | messages | replies taken by the API (/s) | sent | failed | "
        "sent (/s) | most in any 1 s at the simulator | refused by its limit (130429) | "
        "accepted twice |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['configured_rate']:.0f} | {r['messages']} | "
            f"{r['replies_accepted_per_second']} | {r['sent']} | {r['failed']} | "
            f"{r['per_second']} | {r['max_in_any_second']} | {r['refused_by_limit']} | "
            f"{r['accepted_twice']} |"
        )
    return "\n".join(lines)


def sockets_table(result: dict[str, Any]) -> str:
    fan = result["fan_out_ms"]
    return "\n".join(
        [
            "| sockets | connect all (s) | RSS before → after (MB) | per socket (KB) | "
            "fan-out p50 (ms) | fan-out max (ms) |",
            "|---|---|---|---|---|---|",
            f"| {result['sockets']} | {result['connect_seconds']} | {result['rss_before_mb']} → "
            f"{result['rss_after_mb']} | {result['kb_per_socket']} | {fan['p50']} | {fan['max']} |",
        ]
    )


def routing_table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | interactions | agents | seconds | per second | rounds | left queued |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['backend']} | {r['interactions']} | {r['agents']} | {r['seconds']} | "
            f"{r['interactions'] / r['seconds']:.0f} | {r['rounds']} | {r['still_queued']} |"
        )
    return "\n".join(lines)


def desktop_table(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| messages | open (ms) | older pages | per page (ms, median / last) | rows loaded | "
            "scroll frames | frame p50 (ms) | frame p95 (ms) | frames > 50 ms | JS heap (MB) |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {result['messages']} | {result['open_ms']} | {result['older_pages']} | "
            f"{result['older_page_ms_median']} / {result['older_page_ms_last']} | {result['rows_loaded']} | {result['scroll_frames']} | "
            f"{result['frame_ms_p50']} | {result['frame_ms_p95']} | {result['frames_over_50ms']} | "
            f"{result['js_heap_mb']} |",
        ]
    )


def plot(runs: list[dict[str, Any]], path: Path) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.2), dpi=120)
    for backend in sorted({r["backend"] for r in runs}):
        points = sorted(
            (r["offered_rate"], r["latency_ms"])
            for r in runs
            if r["backend"] == backend and r["offered_rate"] and r["latency_ms"]
        )
        for key, style in (("p50", "--"), ("p99", "-")):
            axis.plot(
                [rate for rate, _ in points],
                [lat[key] for _, lat in points],
                style,
                marker="o",
                label=f"{backend} {key}",
            )
    axis.axhline(100, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xlabel("offered webhooks per second")
    axis.set_ylabel("webhook → agent socket latency (ms)")
    axis.set_yscale("log")
    axis.set_yticks([5, 10, 20, 50, 100, 200, 500, 1000])
    axis.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.set_title("Parley, one node: latency against offered rate")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)


def inbound_table(figures: dict[str, Any]) -> str:
    """Every inbound figure in one table: the ceilings, Parley at full speed and at set rates,
    and Parley on a database already holding history."""

    def median(rows: list[dict[str, Any]], key: str) -> float:
        values = sorted(r[key] for r in rows)
        return values[len(values) // 2] if values else 0

    fastapi = median(figures["fastapi"], "accepted_per_second")
    raw = median(figures["raw"], "accepted_per_second")
    lines = [
        "| run | offered (/s) | webhooks acknowledged (/s) | fully processed, at agents (/s) | "
        "vs FastAPI bare | vs raw ASGI bare | messages at agents | acknowledged wamids stored "
        "exactly once | p50 ms | p95 ms | p99 ms | CPU µs / webhook | images all stored, s after "
        "the last message |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| FastAPI bare (median of {len(figures['fastapi'])}) | max | {fastapi:.0f} | – | 100 % | "
        f"– | – | – | – | – | – | {median(figures['fastapi'], 'cpu_us')} | – |",
        f"| raw ASGI bare (median of {len(figures['raw'])}) | max | {raw:.0f} | – | – | 100 % | "
        f"– | – | – | – | – | {median(figures['raw'], 'cpu_us')} | – |",
    ]
    ratios = figures.get("ratios", {})
    steps = [("Parley", s) for s in figures["parley"]] + [("Parley", s) for s in figures["rates"]]
    steps += [(f"Parley, {s['history']:,} messages stored", s) for s in figures["history"]]
    for label, s in steps:
        full = not s["offered_rate"]
        lat = s["latency_ms"] or {}
        vs_fastapi = (
            f"{100 * s['processed_per_second'] / fastapi:.0f} %" if full and fastapi else "–"
        )
        vs_raw = f"{100 * s['processed_per_second'] / raw:.0f} %" if full and raw else "–"
        offered = "max" if full else f"{s['offered_rate']:.0f}"
        lines.append(
            f"| {label} | {offered} | "
            f"{s['accepted_per_second']} | {s['processed_per_second']} | {vs_fastapi} | {vs_raw} | "
            f"{s['at_agents']}/{s['shown']} | {s['stored_exactly_once']}/"
            f"{s['messages_acknowledged']} | {lat.get('p50', '–')} | {lat.get('p95', '–')} | "
            f"{lat.get('p99', '–')} | {s['cpu_us']} | {s.get('media_settled_s', '–')} |"
        )
    if ratios:
        lines.append(
            f"\nFull speed, round by round (median): Parley / FastAPI bare = "
            f"{100 * ratios['fastapi']:.0f} %, Parley / raw ASGI bare = {100 * ratios['raw']:.0f} %."
        )
    if "history" in ratios:
        stored = figures["history"][0]["history"]
        lines.append(
            f"With {stored:,} messages stored, full speed (median of the rounds) = "
            f"{100 * ratios['history']:.0f} % of the fresh database's."
        )
    return "\n".join(lines)


def plot_inbound(figures: dict[str, Any], path: Path) -> None:
    """p50/p99 latency to the agents' sockets against the offered rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [s for s in figures["rates"] if s["latency_ms"]]
    if not steps:
        return
    rates = [s["offered_rate"] for s in steps]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in ("p50", "p95", "p99"):
        ax.plot(rates, [s["latency_ms"][key] for s in steps], marker="o", label=key)
    ax.axhline(100, color="grey", linestyle=":", linewidth=1)
    ax.axhline(50, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("offered webhooks per second (realistic mix)")
    ax.set_ylabel("webhook → agent's socket (ms)")
    ax.set_yscale("log")
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
