"""The cache directory: checked reads, atomic writes, and a bounded number of entries."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pat_scan import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAT_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_round_trip_and_corruption(folder: Path) -> None:
    cache.write_bytes("entry.db", b"payload")
    assert cache.read_bytes("entry.db") == b"payload"
    (folder / "entry.db").write_bytes(b"\0" * 32 + b"payload")
    assert cache.read_bytes("entry.db") is None


def test_writes_keep_only_the_newest_entries(folder: Path) -> None:
    for n in range(cache.KEEP + 10):
        cache.write_bytes(f"old-{n}.db", b"x")
        os.utime(folder / f"old-{n}.db", (n, n))  # oldest first
    cache.write_bytes("fresh.db", b"y")
    names = {path.name for path in folder.iterdir()}
    assert len(names) == cache.KEEP
    assert "fresh.db" in names and "old-0.db" not in names
    assert f"old-{cache.KEEP + 9}.db" in names
