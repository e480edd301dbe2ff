"""pat-scan runs clean on its own repository (its configuration excludes test data and packs)."""

from __future__ import annotations

from typing import Any

from tests.conftest import REPO_ROOT


def test_this_repository_scans_clean(cli: Any) -> None:
    result = cli("scan", cwd=REPO_ROOT)
    assert result.code == 0, result.out
