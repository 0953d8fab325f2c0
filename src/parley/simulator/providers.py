"""Time and ids for the simulator: an injectable clock and Meta-looking identifiers.

Real wamids are base64 of a small binary record that starts with the recipient's wa_id
(`HBgM` = bytes 1C 18 0C: a record holding a 12-character string), so a 12-digit wa_id
gives `wamid.HBgM…` and a 13-digit one `wamid.HBgN…`, just as Meta's do.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Returns the current time in unix seconds (float); `time.time` by default."""


def system_clock() -> float:
    return time.time()


class Ids:
    """Mints unique ids: wamids, numeric Graph ids, URL tokens and fbtrace ids."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def wamid(self, wa_id: str) -> str:
        serial = next(self._counter)
        tail = f"{serial:06X}{secrets.token_hex(6).upper()}"[-18:].encode()
        raw = b"\x1c\x18" + bytes([len(wa_id) % 256]) + wa_id.encode()
        raw += b"\x15\x02\x00\x11\x18" + bytes([len(tail)]) + tail + b"\x00"
        return "wamid." + base64.b64encode(raw).decode()

    def graph_id(self) -> str:
        """A 16-digit numeric id, like media and template ids."""
        serial = next(self._counter) % 10_000
        return f"{secrets.randbelow(9) + 1}{secrets.randbelow(10**11):011d}{serial:04d}"

    def token(self) -> str:
        return secrets.token_urlsafe(24)

    def fbtrace_id(self) -> str:
        return base64.b64encode(secrets.token_bytes(20)).decode().rstrip("=")[:27]
