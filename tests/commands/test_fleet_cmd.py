"""The fleet command's line: what it refuses, and that the hook's path imports none of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import token


def test_the_hooks_import_path_stays_lean() -> None:
    probe = (
        "import sys; from pat_scan import cli; cli.build_parser();"
        "heavy = ('distributed', 'dask', 'httpx', 'pat_scan.fleet');"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no repositories to scan"),
        (["--jobs", "0", "x"], "--jobs/-j: must be at least 1"),
        (["--timeout", "0", "x"], "--timeout: must be more than 0"),
        (["--retries", "-1", "x"], "--retries: must be 0 or more"),
        (["--config", "missing.yaml", "x"], "missing.yaml: no such configuration file"),
        (["--format", "sarif", "x"], "invalid choice: 'sarif'"),
    ],
)
def test_usage_errors_exit_2(cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x").mkdir()
    from tests.helpers import git

    git(tmp_path / "x", "init", "-q")
    ran = cli("fleet", *args, cwd=tmp_path)
    assert ran.code == 2
    assert message in ran.err


def test_a_token_on_the_command_line_is_refused_and_not_repeated(cli: Any, tmp_path: Path) -> None:
    secret = token(seed=95)
    ran = cli("fleet", f"https://ci:{secret}@github.com/org/api.git", cwd=tmp_path)
    assert ran.code == 2
    assert "credentials in a URL are refused" in ran.err
    assert secret not in ran.err + ran.out
