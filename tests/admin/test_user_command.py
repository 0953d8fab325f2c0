"""`parley user add` as an operator types it: the username is checked before the password is
asked for, and every refusal is one line with exit code 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "correct horse"


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(tmp_path), "PARLEY_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "parley", "user", "add", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def bob(tmp_path: Path) -> Path:
    done = run(tmp_path, "bob", "--role", "agent", stdin=PASSWORD + "\n")
    assert done.returncode == 0 and done.stdout == "added agent bob\n", done.stderr
    return tmp_path


def test_a_taken_username_is_refused_before_any_password(bob: Path) -> None:
    """Neither a good password nor a short one is read for a name that is taken: the answer
    is that the name is taken (Bob's fullwidth twin included)."""
    for name, typed in (("bob", PASSWORD), ("bob", "short"), ("ｂｏｂ", "")):
        done = run(bob, name, "--role", "agent", stdin=typed + "\n")
        assert (done.returncode, done.stderr) == (1, "parley: A user named bob already exists.\n")


def test_a_malformed_username_is_refused_before_any_password(tmp_path: Path) -> None:
    done = run(tmp_path, "bad name!", "--role", "agent", stdin="short\n")
    assert done.returncode == 1
    assert done.stderr == "parley: a username has 1 to 64 letters, digits, dots or underscores\n"


def test_a_short_password_for_a_free_name_is_refused_and_nothing_added(tmp_path: Path) -> None:
    done = run(tmp_path, "carol", "--role", "agent", stdin="short\n")
    assert (done.returncode, done.stderr) == (1, "parley: a password has at least 8 characters\n")
    added = run(tmp_path, "carol", "--role", "agent", stdin=PASSWORD + "\n")
    assert added.returncode == 0, "a refused add left the user behind"
