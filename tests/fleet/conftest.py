"""Fixtures of the fleet tests: a git server over HTTP on 127.0.0.1, and a run's setup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pat_scan.config import Config
from pat_scan.fleet import work
from pat_scan.options import RuleOptions
from pat_scan.session import load_rules
from tests.fleet.helpers import GitHttp


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """The folder the git server serves (`URL/NAME.git` is `served/NAME.git`)."""
    folder = tmp_path / "served"
    folder.mkdir()
    return folder


@pytest.fixture
def git_server(served: Path) -> Iterator[GitHttp]:
    with GitHttp(served) as server:
        yield server


@pytest.fixture(scope="session")
def setup() -> work.Setup:
    """The built-in rules and default configuration, as a client settles them."""
    config = Config(root=Path.cwd())
    return work.make_setup(load_rules(config, RuleOptions()), config, 10 << 20, True)
