"""Shared fixtures: git isolated from the machine's configuration, a private cache directory,
real temporary repositories, and the real CLI (in process for speed, or as a subprocess)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pat_scan.cli import main
from pat_scan.validators import CHECKS

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("GIT_", "PRE_COMMIT")) or key in ("NO_COLOR", "PAT_SCAN_ENGINE"):
            del os.environ[key]
    os.environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test Author",
        GIT_AUTHOR_EMAIL="author@example.invalid",
        GIT_COMMITTER_NAME="Test Committer",
        GIT_COMMITTER_EMAIL="committer@example.invalid",
        PAT_SCAN_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    git_config = home / ".gitconfig"
    git_config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    yield
    os.environ.clear()
    os.environ.update(saved)


def token(kind: str = "github_crc32", arg: str = "ghp_", seed: int = 0) -> str:
    """A fresh, checksum-valid credential: tests never hold literal tokens."""
    return CHECKS[kind].generate(random.Random(seed), arg)


def bad_token(seed: int = 0) -> str:
    """A ghp_ token whose checksum fails (a typical fake in a fixture)."""
    good = token(seed=seed)
    last = "A" if good[-1] != "A" else "B"
    return good[:-1] + last


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    return path


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `pat-scan ARGS` in process, from directory `cwd`."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_process(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run `python -m pat_scan ARGS` as a real process."""
    completed = subprocess.run(
        [sys.executable, "-m", "pat_scan", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def pool_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker count of each pool `parallel.pool` starts from now on (a real pool)."""
    from pat_scan import parallel

    sizes: list[int] = []
    real_pool = parallel.pool

    def counted_pool(workers: int, rules: Any) -> Any:
        sizes.append(workers)
        return real_pool(workers, rules)

    monkeypatch.setattr(parallel, "pool", counted_pool)
    return sizes
