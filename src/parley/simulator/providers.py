"""Time and ids for the simulator: an injectable clock and Meta-looking identifiers.

Real wamids are base64 of a small binary record that starts with the recipient's wa_id
(`HBgM` = bytes 1C 18 0C: a record holding a 12-character string), so a 12-digit wa_id
gives `wamid.HBgM…` and a 13-digit one `wamid.HBgN…`, just as Meta's do.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Returns the current time in unix seconds (float); `time.time` by default."""


def system_clock() -> float:
    return time.time()


# Calling code → ISO 3166 alpha-2, for the country prefix of business-scoped user ids.
_COUNTRIES = {
    "1": "US",
    "7": "RU",
    "20": "EG",
    "27": "ZA",
    "33": "FR",
    "34": "ES",
    "39": "IT",
    "44": "GB",
    "49": "DE",
    "51": "PE",
    "52": "MX",
    "54": "AR",
    "55": "BR",
    "56": "CL",
    "57": "CO",
    "61": "AU",
    "62": "ID",
    "63": "PH",
    "81": "JP",
    "86": "CN",
    "90": "TR",
    "91": "IN",
    "234": "NG",
    "351": "PT",
    "972": "IL",
}


def bsuid(business_account_id: str, wa_id: str) -> str:
    """A stable business-scoped user id (WHATSAPP.md §2.4), e.g. `BR.1348…`: the user's
    country, a dot, digits derived from the business and the wa_id."""
    country = next((_COUNTRIES[wa_id[:n]] for n in (3, 2, 1) if wa_id[:n] in _COUNTRIES), "ZZ")
    digest = hashlib.sha256(f"{business_account_id}:{wa_id}".encode()).digest()
    return f"{country}.{int.from_bytes(digest[:8], 'big') % 10**19:019d}"


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
