"""The simulated phones on disk: customers, their chats (with statuses, so the 24 h windows
follow) and their media, kept in a directory of the simulator's own so a restarted demo shows
the same conversations on the phone page as on the desktop.

`simulator.json` holds the store as plain JSON (written to a temporary file, then renamed, so a
crash never leaves half a file); each media file's bytes are `media/<id>` beside it. Templates,
faults, options and webhooks still waiting for a retry are not kept: they start as new.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from .store import ChatMessage, Customer, Media, StatusEvent, Store

log = logging.getLogger("parley.simulator")

FILE = "simulator.json"
VERSION = 1
SAVE_AFTER_SECONDS = 0.3
"""A burst of changes (a message, its statuses, its webhooks' answers) is written once."""


class Snapshot:
    """Loads a store from `directory` and writes it back after each burst of changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._pending: asyncio.TimerHandle | None = None

    @property
    def exists(self) -> bool:
        return (self.directory / FILE).is_file()

    def load(self, store: Store) -> bool:
        """Fill `store` from disk; False (and the store untouched) when nothing usable is there."""
        try:
            data = json.loads((self.directory / FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            log.warning("simulator state unreadable, starting empty: %s", exc)
            return False
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return False
        try:
            messages, customers, media = self._parse(data)
        except (KeyError, TypeError, ValueError) as exc:  # a file of another shape: start empty
            log.warning("simulator state unreadable, starting empty: %r", exc)
            return False
        store.messages.update(messages)
        store.customers.update(customers)
        store.media.update(media)
        store.touch()
        return True

    def _parse(
        self, data: dict[str, Any]
    ) -> tuple[dict[str, ChatMessage], dict[str, Customer], dict[str, Media]]:
        messages = {m["id"]: _message(m) for m in data.get("messages", [])}
        customers = {}
        for raw in data.get("customers", []):
            customer = Customer(
                wa_id=raw["wa_id"],
                profile_name=raw.get("profile_name", ""),
                created_at=raw["created_at"],
                user_id=raw.get("user_id", ""),
                last_inbound_at=raw.get("last_inbound_at"),
            )
            customer.messages = [messages[i] for i in raw.get("messages", []) if i in messages]
            customers[customer.wa_id] = customer
        media = {}
        for raw in data.get("media", []):
            with contextlib.suppress(OSError, ValueError):  # a file gone: that media is gone
                path = self.directory / "media" / _safe(raw["id"])
                media[raw["id"]] = Media(**{**raw, "content": path.read_bytes()})
        return messages, customers, media

    def save_soon(self, store: Store) -> None:
        """Write the store shortly (changes within `SAVE_AFTER_SECONDS` are written together)."""
        if self._pending is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside a loop (building the app): write now
            self.save(store)
            return
        self._pending = loop.call_later(SAVE_AFTER_SECONDS, self._save_now, store)

    def _save_now(self, store: Store) -> None:
        self._pending = None
        try:
            self.save(store)
        except OSError as exc:  # a full disk must not stop the phones; say it and carry on
            log.warning("simulator state not saved: %s", exc)

    def flush(self, store: Store) -> None:
        """Write now what is waiting (at shutdown)."""
        if self._pending is not None:
            self._pending.cancel()
            self._save_now(store)

    def save(self, store: Store) -> None:
        media_dir = self.directory / "media"
        media_dir.mkdir(parents=True, exist_ok=True)
        kept = set()
        for media in store.media.values():
            path = media_dir / _safe(media.id)
            kept.add(path.name)
            if not path.exists():
                _write(path, media.content)
        for stale in media_dir.iterdir():
            if stale.name not in kept:
                stale.unlink(missing_ok=True)
        data = {
            "version": VERSION,
            "customers": [
                {
                    "wa_id": c.wa_id,
                    "profile_name": c.profile_name,
                    "created_at": c.created_at,
                    "user_id": c.user_id,
                    "last_inbound_at": c.last_inbound_at,
                    "messages": [m.id for m in c.messages],
                }
                for c in store.customers.values()
            ],
            "messages": [dataclasses.asdict(m) for m in store.messages.values()],
            "media": [
                {f.name: getattr(m, f.name) for f in dataclasses.fields(m) if f.name != "content"}
                for m in store.media.values()
            ],
        }
        _write(self.directory / FILE, json.dumps(data, ensure_ascii=False).encode())

    def wipe(self) -> None:
        """Forget everything kept (a fresh demo)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        shutil.rmtree(self.directory, ignore_errors=True)


def _message(raw: dict[str, Any]) -> ChatMessage:
    statuses = [StatusEvent(**s) for s in raw.pop("statuses", [])]
    return ChatMessage(**raw, statuses=statuses)


def _safe(media_id: str) -> str:
    """A media id as a file name: Graph ids are digits; anything else is refused."""
    if not media_id.isalnum():
        raise ValueError(f"unexpected media id {media_id!r}")
    return media_id


def _write(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
