"""Contact search: p50 / p95 of `GET /api/v1/contacts?q=`'s query on 100,000 contacts.

    python -m bench.contacts [--contacts 100000] [--backends sqlite,postgres] [--queries 200]
                             [--rounds 3]

Seeds contacts with Brazilian-style names and numbers (a tenth stored without the ninth digit,
as WhatsApp reports older accounts), a fifth with a username, a third with an email, half with
a company, a quarter with a customer number, and one in 500 with a rare surname, on a fresh
database of each backend (PostgreSQL: the `parley_bench_contacts` database, dropped and
created). Then times `contacts.search.search_contacts`, the query behind the endpoint, through
the same unit of work the API uses, for each kind of query an agent types.

The kinds are interleaved (each pass runs one query of every kind, in a shuffled order), so
a busy machine slows them alike; `--rounds` repeats the whole measurement on the same data
and reports each round, to show the spread. Each query's CPU time in this process (Python
and, on SQLite, the database) is reported beside its wall time, and on PostgreSQL the mean
CPU time of its server processes (from /proc): on a shared machine wall times measure the
machine's load as much as the search, CPU times do not. The plan of one query of
each kind is checked (`contacts.plans`): any statement that reads the whole table is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.clock import SystemClock
from parley.contacts.models import Contact
from parley.contacts.plans import search_plans
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
RARE = [
    "Wojcik",
    "Nakamura",
    "Okonkwo",
    "Haddad",
    "Kowalski",
    "Lindqvist",
    "Abernathy",
    "Castellanos",
    "Drummond",
    "Esposito",
]
DDD = (11, 12, 19, 21, 27, 31, 41, 47, 51, 61, 71, 81, 85, 91)


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _contact(n: int, rnd: random.Random, now: Any) -> dict[str, Any]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    subscriber = f"9{rnd.randrange(6000, 9999)}{n:04d}"[-9:]
    wa_id = f"55{rnd.choice(DDD)}{subscriber}"
    if n % 10 == 0:
        wa_id = wa_id[:4] + wa_id[5:]  # reported without the ninth digit
    if n % 500 == 7:
        last = RARE[(n // 500) % len(RARE)]  # about 20 contacts carry each rare surname
    fields: dict[str, str] = {}
    if n % 2:
        fields["Company"] = f"{rnd.choice(COMPANIES)} {last}"
    if n % 4 == 2:
        fields["Customer number"] = f"C-{n:06d}"
    plain = _unaccented(first.lower())
    return {
        "wa_id": wa_id,
        "profile_name": f"{first} {last}",
        "name": f"{first} {rnd.choice(LAST)} {last}" if n % 3 == 0 else None,
        "username": f"{plain}_{last.lower()}{n % 1000}" if n % 5 == 4 else None,
        "email": f"{first.lower()}.{last.lower()}{n}@example.com" if n % 3 == 1 else None,
        "fields": fields or None,
        "created_at": now,
        "updated_at": now,
    }


async def _reset_postgres(name: str = POSTGRES_DB) -> str:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


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


def _with_username(rnd: random.Random, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return rnd.choice([r for r in rows[:5000] if r["username"]])


def _with_customer_number(rnd: random.Random, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return rnd.choice([r for r in rows[:5000] if r["fields"] and "Customer number" in r["fields"]])


Make = Callable[[random.Random, list[dict[str, Any]]], str]
QUERIES: dict[str, Make] = {
    "baseline: SELECT 1": lambda r, c: "",
    "name, one common word (`souza`)": lambda r, c: r.choice(LAST).lower(),
    "name, one rare word (`nakamura`: ~20)": lambda r, c: r.choice(RARE).lower(),
    "name, no accents typed (`joao`, `natalia`)": lambda r, c: _unaccented(r.choice(FIRST)).lower(),
    "name, two words (`ana sou`)": lambda r, c: f"{r.choice(FIRST)} {r.choice(LAST)[:3]}",
    "name, full (`natália ribeiro`)": lambda r, c: f"{r.choice(FIRST)} {r.choice(LAST)}".lower(),
    "name prefix, 3 letters (`mar`)": lambda r, c: r.choice(FIRST)[:3],
    "short, 2 letters (`an`)": lambda r, c: r.choice(FIRST)[:2],
    "nothing matches (`zqxw`)": lambda r, c: "zq" + "".join(r.choice("xwyk") for _ in range(3)),
    "username (`ana_souza123`)": lambda r, c: _with_username(r, c)["username"],
    "number, national (`(11) 98765-4321`)": lambda r, c: _national(r.choice(c)["wa_id"]),
    "number, E.164 (`+5511987654321`)": lambda r, c: "+" + r.choice(c)["wa_id"],
    "number, 00 and spaces (`0055 11 98765 4321`)": lambda r, c: _spaced(r.choice(c)["wa_id"]),
    "number, trunk 0 (`011 98765 4321`)": lambda r, c: _trunk(r.choice(c)["wa_id"]),
    "number, local (`98765-4321`)": lambda r, c: _local(r.choice(c)["wa_id"]),
    "number prefix (`+55119876`)": lambda r, c: "+" + r.choice(c)["wa_id"][:7],
    "number prefix, short (`+55 11`)": lambda r, c: f"+55 {r.choice(DDD)}",
    "email (`ana.souza123@example.com`)": lambda r, c: r.choice(
        [x for x in c[:3000] if x["email"]]
    )["email"],
    "field value, common (`acme`: ~5,000)": lambda r, c: r.choice(COMPANIES).lower(),
    "field value, one contact (`C-004242`)": lambda r, c: _with_customer_number(r, c)["fields"][
        "Customer number"
    ],
}


def _spaced(wa_id: str) -> str:
    """`0055 11 98765 4321`: the international prefix typed as 00, with spaces."""
    national = _national(wa_id).replace("(", "").replace(")", "").replace("-", " ")
    return f"00{wa_id[:2]} {national}"


def _trunk(wa_id: str) -> str:
    """`011 98765 4321`: a national number with the trunk 0 before the area code."""
    return "0" + _national(wa_id).replace("(", "").replace(")", "").replace("-", " ")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


async def _seed(engine: AsyncEngine, rows: list[dict[str, Any]], database_url: str) -> float:
    await upgrade(engine)
    started = time.perf_counter()
    async with UnitOfWork(build_sessionmaker(engine), InProcessBus()) as uow:
        for chunk in range(0, len(rows), 5000):
            await uow.session.execute(insert(Contact), rows[chunk : chunk + 5000])
        await uow.commit()
    # The steady state: statistics as autovacuum (or SQLite's optimize) keeps them.
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text("VACUUM ANALYZE" if "postgresql" in database_url else "ANALYZE")
        )
    return time.perf_counter() - started


async def _plans(
    reader: AsyncEngine, rnd: random.Random, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """For one query of each kind: the indexes its statements use, and any full scan."""
    found: dict[str, Any] = {}
    for kind, make in QUERIES.items():
        if kind.startswith("baseline"):
            continue
        plans = await search_plans(reader, make(rnd, rows), region="BR")
        found[kind] = {
            "statements": len(plans),
            "full_scans": [line.strip() for p in plans for line in p.full_scans],
        }
    return found


def _cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system) of the database server's processes serving us, in ms."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


async def _server_pids(sessions: Any) -> list[int]:
    """PostgreSQL: the backends of this database (the pool's connections, after warming)."""
    async with UnitOfWork(sessions, InProcessBus()) as uow:
        if uow.dialect != "postgresql":
            return []
        rows = await uow.session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return [int(pid) for pid in rows]


async def _time_one(
    sessions: Any, kind: str, query: str, pids: list[int]
) -> tuple[float, float, float, int]:
    async with UnitOfWork(sessions, InProcessBus()) as uow:
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        server = _cpu_ms(pids)
        began = time.perf_counter()
        if kind.startswith("baseline"):  # a unit of work's own cost, for scale
            found: list[Any] = list(await uow.session.execute(text("SELECT 1")))
        else:
            found = await search_contacts(uow, query, region="BR", limit=50)
        elapsed = (time.perf_counter() - began) * 1000
        after = resource.getrusage(resource.RUSAGE_SELF)
        server = _cpu_ms(pids) - server
    used = (after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime) * 1000
    return elapsed, used, server, len(found)


async def _round(
    sessions: Any, rnd: random.Random, rows: list[dict[str, Any]], queries: int
) -> dict[str, Any]:
    """`queries` passes (after 10 to warm up), each one query of every kind, shuffled."""
    samples: dict[str, list[tuple[float, float, float, int]]] = {kind: [] for kind in QUERIES}
    kinds = list(QUERIES)
    pids: list[int] = []
    for n in range(queries + 10):
        if n == 10:
            pids = await _server_pids(sessions)
        rnd.shuffle(kinds)
        for kind in kinds:
            sample = await _time_one(sessions, kind, QUERIES[kind](rnd, rows), pids)
            if n >= 10:
                samples[kind].append(sample)
    figures: dict[str, Any] = {}
    for kind in QUERIES:
        wall = [s[0] for s in samples[kind]]
        cpu = [s[1] for s in samples[kind]]
        figures[kind] = {
            "p50": round(statistics.median(wall), 1),
            "p95": round(_percentile(wall, 0.95), 1),
            "max": round(max(wall), 1),
            "cpu_p50": round(statistics.median(cpu), 1),
            "cpu_p95": round(_percentile(cpu, 0.95), 1),
            # The server's CPU is counted in clock ticks (10 ms): only its mean means much.
            "server_cpu_mean": round(statistics.mean(s[2] for s in samples[kind]), 1),
            "hits": round(statistics.mean(s[3] for s in samples[kind]), 1),
        }
    return figures


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


async def measure(
    database_url: str, work: Path, *, contacts: int, queries: int, rounds: int = 1
) -> dict[str, Any]:
    settings = Settings(database_url=database_url, data_dir=work, _env_file=None)  # type: ignore[call-arg,unused-ignore]
    engine = build_engine(settings)
    rnd = random.Random(11)
    now = SystemClock().now()
    rows = [_contact(n, rnd, now) for n in range(contacts)]
    try:
        seeded = await _seed(engine, rows, database_url)
    except BaseException:
        await engine.dispose()
        raise
    reader = build_reader_engine(settings, engine)
    results: dict[str, Any] = {"contacts": contacts, "seed_seconds": round(seeded, 1)}
    try:
        results["plans"] = await _plans(reader, rnd, rows)
        for kind, plan in results["plans"].items():
            if plan["full_scans"]:
                print(f"  FULL SCAN in {kind}: {plan['full_scans']}", flush=True)
        sessions = build_sessionmaker(reader)
        results["rounds"] = []
        for n in range(rounds):
            before = _load()
            figures = await _round(sessions, rnd, rows, queries)
            results["rounds"].append({"load": f"{before} → {_load()}", "kinds": figures})
            print(f"  round {n + 1}: load average {results['rounds'][-1]['load']}", flush=True)
            for kind, f in figures.items():
                print(f"    {kind:48} {f}", flush=True)
    finally:
        await reader.dispose()
        await engine.dispose()
    return results


def table(runs: list[dict[str, Any]]) -> str:
    """One row per kind and backend: each round's p50 / p95 (ms), the CPU p50 of the first."""
    lines = []
    for run in runs:
        rounds = run["rounds"]
        head = " | ".join(f"round {n + 1}" for n in range(len(rounds)))
        server = " server CPU mean |" if run["backend"] == "postgres" else ""
        lines += [
            f"{run['backend']}, {run['contacts']:,} contacts; load average per round: "
            + "; ".join(r["load"] for r in rounds),
            "",
            f"| query (example) | {head} | CPU p50 / p95 |{server} results |",
            "|---|" + "---|" * len(rounds) + "---|" + ("---|" if server else "") + "---|",
        ]
        for kind in rounds[0]["kinds"]:
            cells = " | ".join(
                f"{r['kinds'][kind]['p50']} / {r['kinds'][kind]['p95']}" for r in rounds
            )
            first = rounds[0]["kinds"][kind]
            cpu = f"{first['cpu_p50']} / {first['cpu_p95']}"
            mean = f" {first['server_cpu_mean']} |" if server else ""
            lines.append(f"| {kind} | {cells} | {cpu} |{mean} {first['hits']} |")
        scans = {k: p["full_scans"] for k, p in run["plans"].items() if p["full_scans"]}
        lines += [
            "",
            f"Statements that scan the table or sort what they found: {scans or 'none'}.",
            "",
        ]
    return "\n".join(lines)


def run(
    backends: list[str],
    *,
    contacts: int,
    queries: int,
    rounds: int = 1,
    postgres_db: str = POSTGRES_DB,
) -> list[dict[str, Any]]:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            work = Path(tmp) / backend
            work.mkdir()
            url = (
                asyncio.run(_reset_postgres(postgres_db))
                if backend == "postgres"
                else f"sqlite:///{work / 'contacts.db'}"
            )
            print(f"contacts {backend}: seeding {contacts}", flush=True)
            result = asyncio.run(
                measure(url, work, contacts=contacts, queries=queries, rounds=rounds)
            )
            runs.append({"backend": backend, **result})
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-db", default=POSTGRES_DB, help="dropped and created")
    args = parser.parse_args()
    runs = run(
        args.backends.split(","),
        contacts=args.contacts,
        queries=args.queries,
        rounds=args.rounds,
        postgres_db=args.postgres_db,
    )
    print(f"command: python -m bench.contacts {' '.join(sys.argv[1:])}".rstrip())
    print(table(runs))


if __name__ == "__main__":
    main()
