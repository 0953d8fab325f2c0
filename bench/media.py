"""Memory of a Parley node while it streams a 100 MB upload and a 100 MB download.

    python -m bench.media [--megabytes 100] [--storage local|s3|both]

One `parley serve` process on SQLite; a supervisor uploads one file of `--megabytes` (a PDF,
the largest kind WhatsApp carries) through `POST /api/v1/attachments`, streamed from disk by the
client, then downloads it through `GET /api/v1/attachments/{id}?download=1`, reading and
discarding the chunks. The node's resident memory is sampled every 20 ms from /proc; the growth
is the peak during each transfer minus the resident memory just before it.

With `--storage s3` the node keeps its files in a bucket of an S3-compatible server (moto's
server mode, in a process of its own, so that its memory is not the node's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.procs import PASSWORD, database_for, node_env, parley_node, rss_bytes
from bench.seed import seed

MB = 1024 * 1024


class Sampler:
    """The peak resident memory of `pid` while the `with` block runs."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self._pid))
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        self.peak = rss_bytes(self._pid)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self._pid))


def make_file(path: Path, size: int) -> None:
    """A PDF header, then zeros, `size` bytes in all (written in chunks, never held whole)."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    with path.open("wb") as out:
        out.write(head)
        left = size - len(head)
        block = b"\0" * MB
        while left > 0:
            out.write(block[: min(left, MB)])
            left -= min(left, MB)


def transfer(base: str, token: str, pid: int, path: Path) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    size = path.stat().st_size
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        # One file over an S3 part first: what loads once (code, the SDK's operation models) is
        # not counted as the transfer's growth.
        small = b"%PDF-1.4\n" + b"\0" * (6 * MB)
        warm = client.post("/api/v1/attachments", files={"file": ("warm.pdf", small)})
        warm.raise_for_status()
        client.get(warm.json()["url"]).raise_for_status()
        time.sleep(0.5)

        before_up = rss_bytes(pid)
        started = time.perf_counter()
        with Sampler(pid) as up, path.open("rb") as file:
            answer = client.post(
                "/api/v1/attachments", files={"file": ("big.pdf", file, "application/pdf")}
            )
        up_seconds = time.perf_counter() - started
        answer.raise_for_status()
        attachment = answer.json()
        assert attachment["size"] == size, attachment
        time.sleep(0.5)

        before_down = rss_bytes(pid)
        started = time.perf_counter()
        received = 0
        with Sampler(pid) as down, client.stream("GET", attachment["download_url"]) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes(256 * 1024):
                received += len(chunk)
        down_seconds = time.perf_counter() - started
        assert received == size, received
    return {
        "file_mb": round(size / MB, 1),
        "upload": {
            "rss_before_mb": round(before_up / MB, 1),
            "peak_growth_mb": round((up.peak - before_up) / MB, 1),
            "seconds": round(up_seconds, 2),
            "mb_per_s": round(size / MB / up_seconds, 1),
        },
        "download": {
            "rss_before_mb": round(before_down / MB, 1),
            "peak_growth_mb": round((down.peak - before_down) / MB, 1),
            "seconds": round(down_seconds, 2),
            "mb_per_s": round(size / MB / down_seconds, 1),
        },
    }


@contextmanager
def s3_server(port: int) -> Iterator[dict[str, str]]:
    """moto's S3 server on `port` with one bucket; yields the node's `PARLEY_S3_*` settings."""
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(endpoint, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        httpx.put(f"{endpoint}/parley-bench", timeout=10).raise_for_status()  # CreateBucket
        yield {
            "storage_backend": "s3",
            "s3_bucket": "parley-bench",
            "s3_endpoint_url": endpoint,
            "s3_region": "us-east-1",
            "s3_access_key_id": "bench",
            "s3_secret_access_key": "bench-secret",
        }
    finally:
        server.terminate()
        server.wait()


def run(port: int, megabytes: int = 100, storage: str = "local") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        work = Path(tmp)
        database = database_for("sqlite", work)
        tokens = asyncio.run(seed(database, work, agents=0, supervisors=1, password=PASSWORD))
        path = work / "big.pdf"
        make_file(path, megabytes * MB - 64 * 1024)  # under the 100 MB document limit
        settings = stack.enter_context(s3_server(port + 1)) if storage == "s3" else {}
        with parley_node(port, node_env(database, work, **settings)) as server:
            result = transfer(
                f"http://127.0.0.1:{port}", next(iter(tokens.values())), server.pid, path
            )
    return {"storage": storage, **result}


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| storage | transfer | file | node RSS before | peak growth | time | throughput |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for name in ("upload", "download"):
            r = result[name]
            rows.append(
                f"| {result['storage']} | {name} | {result['file_mb']} MB | "
                f"{r['rss_before_mb']} MB | **{r['peak_growth_mb']} MB** | {r['seconds']} s | "
                f"{r['mb_per_s']} MB/s |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--port", type=int, default=8297)
    parser.add_argument("--storage", choices=["local", "s3", "both"], default="local")
    args = parser.parse_args()
    kinds = ["local", "s3"] if args.storage == "both" else [args.storage]
    results = [run(args.port, args.megabytes, kind) for kind in kinds]
    print(json.dumps(results, indent=2))
    print()
    print(table(results))


if __name__ == "__main__":
    main()
