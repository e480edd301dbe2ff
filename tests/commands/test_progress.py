"""The progress lines of a history scan and of a fleet run on a terminal: drawn only there, with a
total and an ETA."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import commit_files, git


def on_a_terminal(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """Run `pat-scan ARGS` with stderr on a real terminal: (exit code, what the terminal showed,
    standard output)."""
    import pty
    import sys

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pat_scan", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal's other end is closed: the process is done
            break
        if not data:
            break
        shown += data
    out, _ = process.communicate(timeout=60)
    os.close(master)
    return process.returncode, shown, out


def test_progress_on_a_terminal(repo: Path) -> None:
    """Objects, MB and rate on one line of a terminal's stderr, cleared at the end; the report
    itself is unchanged on stdout."""
    import re

    for n in range(5):
        commit_files(repo, {f"f{n}.py": f"N = {n}\n"})
    code, shown, out = on_a_terminal(["history", "--format", "json"], repo)
    assert code == 0, shown
    assert re.search(rb"pat-scan history: \d+(/\d+)? blobs, \d+ MB, \d+ MB/s", shown), shown
    assert shown.endswith(b"\r\x1b[K")
    assert b'"findings": []' in out


def test_progress_shows_the_total_and_an_eta_once_git_has_counted(
    repo: Path, monkeypatch: Any
) -> None:
    import io
    import re
    import sys
    import time

    from pat_scan.commands.progress import TerminalProgress

    for n in range(3):
        commit_files(repo, {f"f{n}.py": f"N = {n}\n"})

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = TerminalProgress(repo, ["--all"])
    deadline = time.monotonic() + 10
    while "ETA" not in terminal.getvalue() and time.monotonic() < deadline:
        time.sleep(0.25)  # updates are drawn at most every 0.2 s
        progress.advance(1, 1000)
    progress.stop()
    listed = git(repo, "rev-list", "--objects", "--filter=object:type=blob", "--all").stdout
    total = len(listed.splitlines())
    assert re.search(rf"history: \d+/{total} blobs, 0 MB, 0 MB/s, ETA \d+ s", terminal.getvalue())


def test_fleet_progress_on_a_terminal(tmp_path: Path) -> None:
    """Repositories done of the total, failures, findings and an ETA, redrawn as each one
    finishes, cleared at the end; nothing on a terminal-less stderr."""
    import re
    import sys

    for n in range(3):
        (tmp_path / "clones" / f"r{n}").mkdir(parents=True)
        git(tmp_path / "clones" / f"r{n}", "init", "-q")
        commit_files(tmp_path / "clones" / f"r{n}", {"a.py": "A = 1\n"})
    args = ["fleet", "clones", "missing", "--jobs", "1", "--cache-dir", "c", "--inventory", "i"]
    code, shown, _ = on_a_terminal(args, tmp_path)
    assert code == 3, shown
    assert b"\rpat-scan fleet: 0/4 repositories, 0 finding(s)" in shown
    assert re.search(
        rb"\rpat-scan fleet: 2/4 repositories(, 1 failed)?, 0 finding\(s\), ETA", shown
    )
    assert b"4/4 repositories, 1 failed, 0 finding(s)   \r\x1b[K" in shown
    quiet = subprocess.run(
        [sys.executable, "-m", "pat_scan", *args], cwd=tmp_path, capture_output=True, check=False
    )
    assert b"pat-scan fleet: " not in quiet.stderr
