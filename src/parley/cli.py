"""The `parley` command: demo, serve, simulator, user add, db upgrade, webhooks replay."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from parley.domain.roles import ROLES
from parley.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parley", description="Parley: a contact-center workspace for WhatsApp."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="run the server and the WhatsApp simulator on SQLite, with demo data"
    )
    demo.add_argument("--host", default=None, help="address to listen on (PARLEY_HOST)")
    demo.add_argument("--port", type=int, default=None, help="desktop port (PARLEY_PORT)")
    demo.add_argument("--simulator-port", type=int, default=None, help="default: port + 1")
    demo.add_argument("--fresh", action="store_true", help="start from an empty demo database")

    serve = commands.add_parser("serve", help="run one Parley node (API, desktop, workers)")
    serve.add_argument("--host", default=None, help="address to listen on (PARLEY_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (PARLEY_PORT)")

    sim = commands.add_parser("simulator", help="run the WhatsApp Cloud API simulator")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8001)
    sim.add_argument("--webhook-url", required=True, help="where to POST webhooks")

    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="user_command", required=True, metavar="ACTION"
    )
    add = user.add_parser("add", help="add a user (password from --password or stdin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default=None, help="display name")
    add.add_argument("--password", default=None)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("upgrade", help="apply schema migrations")

    webhooks = commands.add_parser("webhooks", help="the stored webhook log").add_subparsers(
        dest="webhooks_command", required=True, metavar="ACTION"
    )
    replay = webhooks.add_parser(
        "replay",
        help="process stored webhooks again (idempotent)",
        description="Process stored webhooks again, now: the failed ones, those received in a "
        "time range, or the failed ones in a range. Messages already stored are not duplicated.",
    )
    replay.add_argument("--failed", action="store_true", help="only webhooks that failed")
    replay.add_argument(
        "--since", type=_instant, metavar="ISO", help="received at or after (ISO 8601)"
    )
    replay.add_argument("--until", type=_instant, metavar="ISO", help="received before (ISO 8601)")
    return parser


def _instant(value: str) -> datetime:
    """An ISO 8601 date or time; without a zone it is UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {value!r} (e.g. 2026-01-05T09:00:00Z)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 2
    from parley import commands

    if args.command in ("demo", "serve", "simulator"):
        return _served(args, settings)
    try:
        if args.command == "user":
            # The name first, then the password, asked for outside the event loop and any
            # transaction: Ctrl+C at the prompt stops at once, and no database lock waits on it.
            asyncio.run(commands.check_new_user(settings, args.username, args.name))
            password = args.password if args.password is not None else _read_password()
            return asyncio.run(
                commands.add_user(settings, args.username, args.role, args.name, password)
            )
        if args.command == "db":
            return asyncio.run(commands.db_upgrade(settings))
        if args.command == "webhooks":
            return asyncio.run(
                commands.replay_webhooks(
                    settings, failed=args.failed, since=args.since, until=args.until
                )
            )
    except KeyboardInterrupt:
        return 130
    except commands.CommandError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 1
    return 0


def _served(args: argparse.Namespace, settings: Settings) -> int:
    """Run a server until Ctrl+C, then leave at once: the servers have closed their sockets and
    stopped their workers by then, and the interpreter's own teardown (a full garbage collection
    of everything the node loaded) would only keep the terminal waiting for seconds."""
    from parley import commands

    try:
        if args.command == "demo":
            ports = [args.port or settings.port]
            ports.append(args.simulator_port or ports[0] + 1)
            commands.require_free_ports(args.host or settings.host, ports, demo=True)
            code = commands.demo(settings, args.host, args.port, args.simulator_port, args.fresh)
        elif args.command == "serve":
            commands.require_free_ports(args.host or settings.host, [args.port or settings.port])
            code = commands.serve(settings, args.host, args.port)
        else:
            commands.require_free_ports(args.host, [args.port])
            code = commands.simulator(settings, args.host, args.port, args.webhook_url)
    except KeyboardInterrupt:
        code = 130
    except commands.CommandError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _read_password() -> str:
    """The password typed at a prompt, or the first line of what is piped in (without its line
    ending, `\r\n` too); `CommandError` when there is none to read (Ctrl+D, stdin closed)."""
    from parley.commands import CommandError

    if sys.stdin is None:
        raise CommandError("no password given: use --password, or type it or pipe it in")
    try:
        if sys.stdin.isatty():
            return getpass.getpass("Password: ")
        return sys.stdin.readline().rstrip("\r\n")
    except EOFError:
        raise CommandError("no password given") from None


if __name__ == "__main__":
    raise SystemExit(main())
