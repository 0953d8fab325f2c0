"""`parley user add` as an operator types it: the username is checked before the password is
asked for, and every refusal is one line with exit code 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.auth.passwords import verify_password

PASSWORD = "correct horse"


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(tmp_path), "PARLEY_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "parley", "user", "add", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def waiting_for_stdin(pid: int) -> None:
    """Return once the process has used no CPU for a second (blocked reading its stdin)."""

    def cpu() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    before, deadline = cpu(), time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu()
        if now == before:
            return
        before = now
    raise AssertionError("the command never settled to wait for its password")


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


def test_no_lock_is_held_while_the_password_is_awaited(bob: Path) -> None:
    """The name is checked in a transaction of its own: a node writing to the same SQLite
    file goes on while the operator types (the pipe here stays silent until we write)."""
    env = {"HOME": str(bob), "PARLEY_DATA_DIR": str(bob / "data"), "PATH": "/usr/bin"}
    adding = subprocess.Popen(
        [sys.executable, "-m", "parley", "user", "add", "carol", "--role", "agent"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        waiting_for_stdin(adding.pid)
        with sqlite3.connect(bob / "data" / "parley.db", timeout=1) as db:
            db.execute("BEGIN IMMEDIATE")  # "database is locked" if the command held it
            db.execute("ROLLBACK")
        assert adding.poll() is None, adding.communicate()
        out, err = adding.communicate(PASSWORD + "\n", timeout=60)
    finally:
        adding.kill()
    assert (adding.returncode, out, err) == (0, "added agent carol\n", "")


def test_a_password_piped_with_a_windows_line_ending_is_the_password(tmp_path: Path) -> None:
    done = run(tmp_path, "dora", "--role", "agent", stdin=PASSWORD + "\r\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "data" / "parley.db") as db:
        [digest] = db.execute("SELECT password_hash FROM users WHERE username = 'dora'").fetchone()
    assert verify_password(digest, PASSWORD)


@pytest.mark.parametrize(
    ("name", "said"),
    [("x" * 201, "at most 200 characters"), ("Eve\x1b[31m", "control characters")],
)
def test_a_display_name_the_desktop_could_not_show_is_refused(
    tmp_path: Path, name: str, said: str
) -> None:
    done = run(tmp_path, "eve", "--role", "agent", "--name", name, stdin=PASSWORD + "\n")
    assert done.returncode == 1 and said in done.stderr and len(done.stderr.splitlines()) == 1


def test_no_password_to_read_is_one_line(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PARLEY_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "parley", "user", "add", "fay", "--role", "agent"],
        stdin=None, env=env, capture_output=True, text=True, timeout=60,
        preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert (done.returncode, done.stderr.splitlines()[-1:]) == (
        1, ["parley: no password given: use --password, or type it or pipe it in"]
    ), done.stderr  # fmt: skip
