"""pat-scan runs clean on its own repository (its configuration excludes test data and packs).

Only what the repository tracks is scanned: a developer's own virtualenv or scratch files in the
checkout are not the project's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import REPO_ROOT, git


def test_this_repository_scans_clean(cli: Any) -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    tracked = [name for name in git(REPO_ROOT, "ls-files", "-z").stdout.split("\0") if name]
    present = [name for name in tracked if (REPO_ROOT / name).is_file()]
    result = cli("scan", "--format", "json", *present, cwd=REPO_ROOT)
    assert result.code == 0, result.out
    stats = result.json()["stats"]
    assert stats["files_scanned"] + sum(stats["skipped"].values()) == len(present)
