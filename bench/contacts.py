"""Contact search: p50 / p95 of `GET /api/v1/contacts?q=`'s query on 100,000 contacts.

    python -m bench.contacts [--contacts 100000] [--backends sqlite,postgres] [--queries 200]

Seeds contacts with Brazilian-style names and numbers (a tenth stored without the ninth digit,
as WhatsApp reports older accounts), a third with an email and half with a company, on a fresh
database of each backend (PostgreSQL: the `parley_bench_contacts` database, dropped and
created). Then times `contacts.search.search_contacts`, the query behind the endpoint, through
the same unit of work the API uses, for each kind of query an agent types.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from parley.clock import SystemClock
from parley.contacts.models import Contact
from parley.contacts.search import search_contacts
from parley.db.engine import build_engine, build_reader_engine, build_sessionmaker
from parley.db.migrate import upgrade
from parley.db.uow import UnitOfWork
from parley.realtime.bus import InProcessBus
from parley.settings import Settings

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_DB = "parley_bench_contacts"
FIRST = [
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Eduarda",
    "Felipe",
    "Gabriela",
    "Henrique",
    "Isabela",
    "João",
    "Juliana",
    "Lucas",
    "Mariana",
    "Mateus",
    "Natália",
    "Otávio",
    "Paula",
    "Rafael",
    "Sofia",
    "Thiago",
    "Vitória",
    "Wesley",
    "Yasmin",
    "Zeca",
    "Beatriz",
    "Caio",
    "Daniela",
    "Enzo",
    "Fernanda",
    "Gustavo",
    "Helena",
    "Igor",
    "Larissa",
    "Leonardo",
    "Manuela",
    "Nicolas",
    "Olívia",
    "Pedro",
]
LAST = [
    "Souza",
    "Silva",
    "Santos",
    "Oliveira",
    "Pereira",
    "Lima",
    "Carvalho",
    "Ferreira",
    "Rodrigues",
    "Almeida",
    "Costa",
    "Gomes",
    "Martins",
    "Araújo",
    "Melo",
    "Barbosa",
    "Ribeiro",
    "Alves",
    "Cardoso",
    "Rocha",
    "Dias",
    "Teixeira",
    "Moreira",
    "Correia",
    "Mendes",
    "Nunes",
    "Freitas",
    "Vieira",
    "Monteiro",
    "Moura",
    "Castro",
    "Campos",
    "Pinto",
    "Fonseca",
    "Batista",
    "Machado",
]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Hooli",
    "Vandelay",
]
DDD = (11, 12, 19, 21, 27, 31, 41, 47, 51, 61, 71, 81, 85, 91)


def _contact(n: int, rnd: random.Random, now: Any) -> dict[str, Any]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    subscriber = f"9{rnd.randrange(6000, 9999)}{n:04d}"[-9:]
    wa_id = f"55{rnd.choice(DDD)}{subscriber}"
    if n % 10 == 0:
        wa_id = wa_id[:4] + wa_id[5:]  # reported without the ninth digit
    fields = {"Company": f"{rnd.choice(COMPANIES)} {last}"} if n % 2 else None
    return {
        "wa_id": wa_id,
        "profile_name": f"{first} {last}",
        "name": f"{first} {rnd.choice(LAST)} {last}" if n % 3 == 0 else None,
        "email": f"{first.lower()}.{last.lower()}{n}@example.com" if n % 3 == 1 else None,
        "fields": fields,
        "created_at": now,
        "updated_at": now,
    }


async def _reset_postgres() -> str:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {POSTGRES_DB}")
    finally:
        await connection.close()
    return f"postgresql://postgres@127.0.0.1:5432/{POSTGRES_DB}"


def _national(wa_id: str) -> str:
    """How an agent in Brazil types a stored number: `(11) 98765-4321`, with the ninth digit."""
    national = wa_id[2:]
    if len(national) == 10:
        national = national[:2] + "9" + national[2:]
    return f"({national[:2]}) {national[2:7]}-{national[7:]}"


def _local(wa_id: str) -> str:
    """The number without country and area code, as a customer dictates it: `98765-4321`."""
    local = wa_id[4:]
    return f"{local[:-4]}-{local[-4:]}"


QUERIES: dict[str, Callable[[random.Random, list[dict[str, Any]]], str]] = {
    "baseline: SELECT 1": lambda r, c: "",
    "name (one word)": lambda r, c: r.choice(LAST).lower(),
    "name (two words)": lambda r, c: f"{r.choice(FIRST)} {r.choice(LAST)[:3]}",
    "name prefix (3 letters)": lambda r, c: r.choice(FIRST)[:3],
    "short (2 letters)": lambda r, c: r.choice(FIRST)[:2],
    "number, national format": lambda r, c: _national(r.choice(c)["wa_id"]),
    "number, E.164": lambda r, c: "+" + r.choice(c)["wa_id"],
    "number prefix (+55 DDD 9xx)": lambda r, c: "+" + r.choice(c)["wa_id"][:7],
    "local number (no area code)": lambda r, c: _local(r.choice(c)["wa_id"]),
    "email / field value": lambda r, c: r.choice(COMPANIES).lower(),
}


async def measure(database_url: str, work: Path, *, contacts: int, queries: int) -> dict[str, Any]:
    settings = Settings(database_url=database_url, data_dir=work, _env_file=None)  # type: ignore[call-arg,unused-ignore]
    engine = build_engine(settings)
    rnd = random.Random(11)
    now = SystemClock().now()
    rows = [_contact(n, rnd, now) for n in range(contacts)]
    try:
        await upgrade(engine)
        started = time.perf_counter()
        async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
            for chunk in range(0, contacts, 5000):
                await uow.session.execute(insert(Contact), rows[chunk : chunk + 5000])
            await uow.commit()
        # The steady state: statistics as autovacuum (or SQLite's optimize) keeps them.
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(
                text("VACUUM ANALYZE" if "postgresql" in database_url else "ANALYZE")
            )
        seeded = time.perf_counter() - started
    except BaseException:
        await engine.dispose()
        raise
    reader = build_reader_engine(settings, engine)
    results: dict[str, Any] = {"contacts": contacts, "seed_seconds": round(seeded, 1), "kinds": {}}
    try:
        sessions = build_sessionmaker(reader)
        for kind, make in QUERIES.items():
            times: list[float] = []
            hits: list[int] = []
            for n in range(queries + 10):
                q = make(rnd, rows)
                async with UnitOfWork(sessions, InProcessBus()) as uow:
                    began = time.perf_counter()
                    if kind.startswith("baseline"):  # a unit of work's own cost, for scale
                        found = list(await uow.session.execute(text("SELECT 1")))
                    else:
                        found = await search_contacts(uow, q, region="BR", limit=50)
                    elapsed = (time.perf_counter() - began) * 1000
                if n >= 10:  # the first few warm the caches
                    times.append(elapsed)
                    hits.append(len(found))
            times.sort()
            results["kinds"][kind] = {
                "p50": round(statistics.median(times), 1),
                "p95": round(times[int(len(times) * 0.95) - 1], 1),
                "max": round(times[-1], 1),
                "hits": round(statistics.mean(hits), 1),
            }
            print(f"  {kind:30} {results['kinds'][kind]}", flush=True)
    finally:
        await reader.dispose()
        await engine.dispose()
    return results


def table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | query | p50 (ms) | p95 (ms) | max (ms) | results (mean, of 50 at most) |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        for kind, f in run["kinds"].items():
            lines.append(
                f"| {run['backend']} | {kind} | {f['p50']} | {f['p95']} | {f['max']} | {f['hits']} |"
            )
    return "\n".join(lines)


def run(backends: list[str], *, contacts: int, queries: int) -> list[dict[str, Any]]:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            work = Path(tmp) / backend
            work.mkdir()
            url = (
                asyncio.run(_reset_postgres())
                if backend == "postgres"
                else f"sqlite:///{work / 'contacts.db'}"
            )
            print(f"contacts {backend}: seeding {contacts}", flush=True)
            result = asyncio.run(measure(url, work, contacts=contacts, queries=queries))
            runs.append({"backend": backend, **result})
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    runs = run(args.backends.split(","), contacts=args.contacts, queries=args.queries)
    print(f"command: python -m bench.contacts {' '.join(sys.argv[1:])}".rstrip())
    print(table(runs))


if __name__ == "__main__":
    main()
