"""How hard the property-based tests search. CI runs the default; `PARLEY_FUZZ_SCALE=20 make
pytest` is a long soak that tries twenty times as many inputs (each run draws new ones)."""

from __future__ import annotations

import os


def examples(default: int) -> int:
    return max(1, round(default * float(os.environ.get("PARLEY_FUZZ_SCALE", "1"))))
