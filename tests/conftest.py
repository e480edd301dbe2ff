"""Shared fixtures: git isolated from the machine's configuration, a private cache directory,
real temporary repositories, and the real CLI in process (for speed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pat_scan.cli import main
from tests.helpers import Run, git, run_process


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


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    return path


@pytest.fixture
def hooked(repo: Path) -> Path:
    """A repository with pat-scan's native pre-commit hook installed."""
    result = run_process("install-hook", cwd=repo)
    assert result.code == 0, result.err
    return repo


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
