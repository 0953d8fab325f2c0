"""WhatsApp ids: digits only, country code first, no plus sign."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")


class PhoneError(ValueError):
    pass


def normalize_wa_id(value: str) -> str:
    """Turn what a person typed (+55 11 98765-4321, 0055…) into a wa_id, or raise PhoneError."""
    digits = _SEPARATORS.sub("", value.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not digits.isascii() or not digits.isdigit():
        raise PhoneError("a WhatsApp number has only digits, with the country code first")
    if not 7 <= len(digits) <= 15:
        raise PhoneError("a WhatsApp number has 7 to 15 digits")
    return digits


def to_e164(wa_id: str) -> str:
    return "+" + wa_id
