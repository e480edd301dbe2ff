"""The scanning child process: its timeout stops it and every git process it started; a child
that dies is a crash, and the next repository gets a new one."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil
import pytest

from pat_scan.fleet import work
from pat_scan.fleet.child import Child
from pat_scan.fleet.repos import Repo, from_url
from tests.fleet.helpers import KILLER_SCHEME, GitHttp, install_killer, make_repo
from tests.helpers import token


def descendants_running(pattern: str) -> list[psutil.Process]:
    found = []
    for process in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if pattern in " ".join(process.cmdline()):
                found.append(process)
        except psutil.NoSuchProcess:
            pass
    return found


def test_a_hung_clone_times_out_and_leaves_nothing_running(
    tmp_path: Path, git_server: GitHttp, setup: work.Setup
) -> None:
    source = make_repo(tmp_path / "src", {"k.py": token(seed=71)})
    child = Child()
    try:
        ok = child.run(work.Task(Repo(str(source), "src"), None, str(tmp_path / "c")), setup, 60)
        assert ok.status == work.SCANNED and len(ok.findings) == 1
        hang = work.Task(from_url(f"{git_server.url}/hang/repo.git"), None, str(tmp_path / "c"))
        started = time.monotonic()
        stopped = child.run(hang, setup, 2.0)
        assert 2.0 <= time.monotonic() - started < 15
        assert (stopped.status, stopped.reason) == (work.FAILED, "clone timeout")
        assert stopped.detail == "stopped after 2 s (while in clone)"
        deadline = time.monotonic() + 10
        while descendants_running("/hang/repo.git") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert descendants_running("/hang/repo.git") == []
        again = child.run(
            work.Task(Repo(str(source), "src"), ok.digest, str(tmp_path / "c")), setup, 60
        )
        assert again.status == work.UNCHANGED  # a new child, the same mirror cache
    finally:
        child.close()
    assert descendants_running("pat_scan.fleet.child") == []


def test_a_child_that_dies_is_a_crash_and_is_replaced(
    tmp_path: Path, setup: work.Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    kills = tmp_path / "kills.log"
    for name, value in install_killer(tmp_path / "bin", kills).items():
        monkeypatch.setenv(name, value)
    child = Child()
    try:
        killer = work.Task(from_url(f"{KILLER_SCHEME}::{tmp_path}/x"), None, str(tmp_path / "c"))
        crashed = child.run(killer, setup, 60)
        assert (crashed.status, crashed.reason) == (work.FAILED, "crash")
        assert crashed.detail == "the scanning process was killed by signal 9 (SIGKILL)"
        assert kills.read_text().split()[1:] == ["child"]  # no Dask worker above it
        source = make_repo(tmp_path / "src", {})
        after = child.run(work.Task(Repo(str(source), "src"), None, str(tmp_path / "c")), setup, 60)
        assert after.status == work.SCANNED
    finally:
        child.close()
