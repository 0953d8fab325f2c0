"""Phone numbers and WhatsApp ids: E.164 digits, country code first, no plus sign.

What people type (`+55 (11) 98765-4321`, `011 98765 4321`, `0044 20 7946 0958`) is parsed with
Google's libphonenumber rules (the `phonenumbers` package) once, into the digits WhatsApp uses as
a `wa_id`. Two national quirks make one person reachable under two digit strings, and WhatsApp's
`wa_id` may carry either form:

- Brazil added a ninth digit (a leading 9) to mobile numbers; accounts registered before that
  still report the 12-digit form (`55 11 8765 4321`) while people type 13 (`55 11 98765 4321`).
- Mexico dropped the `1` after `52` for mobiles in 2019; older accounts report `521…`.

`wa_id_forms` gives every form of a number, so a search or a lookup finds the contact whichever
was stored. The `wa_id` that Meta reports in a webhook is the contact's truth: a typed number is
only ever used to find it (see `contacts.service`), never to replace it.
"""

from __future__ import annotations

import re

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")
# A query that is only a phone number as people write it: digits and the usual separators.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().\u00a0/]+$")
_BR_MOBILE_8 = re.compile(r"^55(\d{2})([6-9]\d{7})$")  # 12 digits: no ninth digit
_BR_MOBILE_9 = re.compile(r"^55(\d{2})9([6-9]\d{7})$")  # 13 digits: with the ninth digit
_MX_OLD = re.compile(r"^521(\d{10})$")
_MX_NEW = re.compile(r"^52(\d{10})$")
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


class PhoneError(ValueError):
    pass


def looks_like_phone(text: str) -> bool:
    """True when `text` is digits with phone punctuation only (at least 3 digits)."""
    return bool(_PHONE_LIKE.match(text.strip())) and sum(c.isdigit() for c in text) >= 3


def digits_of(text: str) -> str:
    """The ASCII digits of `text`, in order (`+55 (11) 9876` → `55119876`)."""
    return "".join(c for c in text if c.isascii() and c.isdigit())


def normalize_wa_id(value: str, region: str = "") -> str:
    """Turn a typed number into E.164 digits (a wa_id), or raise PhoneError.

    `region` is the ISO 3166 country (e.g. `BR`) that numbers without a country code belong
    to; without one, a number must carry its country code (`+55…`, `0055…` or `55…`).
    """
    text = value.strip()
    compact = _SEPARATORS.sub("", text)
    if not compact or not _PHONE_LIKE.match(text):
        raise PhoneError("a phone number has only digits, spaces, dashes, dots and parentheses")
    if not compact.lstrip("+").isascii():
        raise PhoneError("a phone number is written with the digits 0-9")
    attempts: list[tuple[str, str | None]] = []
    if compact.startswith("+"):
        attempts.append((compact, None))
    elif compact.startswith("00"):
        attempts.append(("+" + compact[2:], None))
    else:
        if region:
            attempts.append((compact, region.upper()))
        attempts.append(("+" + compact, None))
    for number, country in attempts:
        try:
            parsed = phonenumbers.parse(number, country)
        except phonenumbers.NumberParseException:
            continue
        # Local-only numbers (no area code) cannot be dialled from WhatsApp: not enough.
        if phonenumbers.is_possible_number_with_reason(parsed) == _POSSIBLE:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            return e164[1:]
    international = attempts[-1][0][1:]
    if _MX_OLD.match(international):  # Mexico's old mobile form, which WhatsApp still reports
        return international
    raise PhoneError("not a phone number WhatsApp could reach (check the country code)")


def wa_id_forms(wa_id: str) -> tuple[str, ...]:
    """Every digit string WhatsApp may use for this number: itself first, then the Brazilian
    ninth-digit and Mexican `521` twins (`5511987654321` ↔ `551187654321`)."""
    forms = [wa_id]
    if m := _BR_MOBILE_9.match(wa_id):
        forms.append(f"55{m[1]}{m[2]}")
    elif m := _BR_MOBILE_8.match(wa_id):
        forms.append(f"55{m[1]}9{m[2]}")
    elif m := _MX_OLD.match(wa_id):
        forms.append(f"52{m[1]}")
    elif m := _MX_NEW.match(wa_id):
        forms.append(f"521{m[1]}")
    return tuple(forms)


def same_number(a: str, b: str) -> bool:
    """Whether two wa_ids reach the same person (equal, or twins by `wa_id_forms`)."""
    return b in wa_id_forms(a)


def lookup_forms(typed: str, region: str = "") -> tuple[str, ...]:
    """The wa_ids a typed number may be stored under; empty when it is not a full number."""
    try:
        wa_id = normalize_wa_id(typed, region)
    except PhoneError:
        return ()
    return wa_id_forms(wa_id)


def number_prefixes(typed: str, region: str = "") -> tuple[str, ...]:
    """The wa_id prefixes a partly typed number stands for (`+55 11 9876` → `55119876`, and
    its twin without the ninth digit `551187 6`…); with a `region`, digits typed without a
    country code (`011 9876`, `11 9876`) also stand for that country's numbers."""
    digits = digits_of(typed)
    text = typed.strip()
    found: list[str] = []
    if text.startswith("+"):
        found.append(digits)
    elif text.startswith("00"):
        found.append(digits[2:])
    else:
        found.append(digits)
        code = phonenumbers.country_code_for_region(region.upper()) if region else 0
        if code:
            found.append(f"{code}{digits.lstrip('0')}")
    for prefix in list(found):
        if m := re.match(r"^55(\d{2})9([6-9]\d*)$", prefix):
            found.append(f"55{m[1]}{m[2]}")
        elif m := re.match(r"^52(\d+)$", prefix):
            found.append(f"521{m[1]}" if not prefix.startswith("521") else f"52{prefix[3:]}")
    return tuple(dict.fromkeys(p for p in found if len(p) >= 3))


def to_e164(wa_id: str) -> str:
    return "+" + wa_id
