"""Put the desktop's third-party files in src/parley/web/vendor/ (served at /vendor/).

Runs as a hatch build hook (so `pip install .` and `pip install -e .` from a clone do it) and as
`python hatch_build.py` (the Makefile). The files come from the npm packages pinned in
package-lock.json; nothing from them is committed. Without npm the build still succeeds and the
desktop's "Insert Emoji" button says the emoji data is not installed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

# (package, file inside it) pairs the desktop loads; see src/parley/web/models/emoji_data.js
FILES = [
    ("emojibase-data", "en/compact.json"),
    ("emojibase-data", "en/messages.json"),
    ("emojibase-data", "en/shortcodes/github.json"),
    ("emojibase-data", "versions/emoji.json"),
    ("emojibase-data", "LICENSE"),
    ("emojibase-data", "package.json"),
    # The floor's charts (see src/parley/web/components/floor_charts.js): one self-contained file.
    ("chart.js", "dist/chart.umd.min.js"),
    ("chart.js", "LICENSE.md"),
]
VENDOR = Path("src/parley/web/vendor")
STAMP = ".lock-sha256"


def vendor(root: Path) -> bool:
    """Copy FILES into VENDOR; True when they are there. Skips npm when the lock file is unchanged."""
    lock = root / "package-lock.json"
    target = root / VENDOR
    if not lock.is_file():
        return (target / STAMP).is_file()
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = target / STAMP
    if stamp.is_file() and stamp.read_text().strip() == digest and _complete(target):
        return True
    modules = root / "node_modules"
    if not _complete(modules) or not _lock_installed(root, lock):
        npm = shutil.which("npm")
        if npm is None:
            print("parley: npm not found; the desktop's emoji picker will be unavailable", file=sys.stderr)
            return False
        subprocess.run(  # noqa: S603 - fixed arguments
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=root,
            check=True,
        )
    if target.exists():
        shutil.rmtree(target)
    for package, name in FILES:
        destination = target / package / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / package / name, destination)
    stamp.write_text(digest + "\n")
    return True


def _complete(folder: Path) -> bool:
    return all((folder / package / name).is_file() for package, name in FILES)


def _lock_installed(root: Path, lock: Path) -> bool:
    # npm ci writes node_modules/.package-lock.json; an older copy means an older install
    hidden = root / "node_modules" / ".package-lock.json"
    return hidden.is_file() and hidden.stat().st_mtime >= lock.stat().st_mtime


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, outside a build
    pass
else:

    class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
        PLUGIN_NAME = "custom"

        def initialize(self, version: str, build_data: dict[str, Any]) -> None:
            vendor(Path(self.root))


if __name__ == "__main__":
    sys.exit(0 if vendor(Path(__file__).resolve().parent) else 1)
