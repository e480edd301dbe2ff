"""Shared setup for the pytest-benchmark suite in this folder (not part of the tests/ run).

Run with ``python -m pytest benchmarks/ --benchmark-only``. The whole session uses a private
pat-scan cache directory, so the benchmarks neither read nor disturb the user's cache, and a
throughput summary (MB/s) is printed at the end of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# (test id, human-readable result) lines collected by the benchmarks, printed at the end.
RESULTS: list[tuple[str, str]] = []


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = str(tmp_path_factory.mktemp("pat-scan-cache"))
    saved = os.environ.get("PAT_SCAN_CACHE_DIR")
    os.environ["PAT_SCAN_CACHE_DIR"] = path
    try:
        yield path
    finally:
        if saved is None:
            os.environ.pop("PAT_SCAN_CACHE_DIR", None)
        else:
            os.environ["PAT_SCAN_CACHE_DIR"] = saved


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RESULTS:
        return
    terminalreporter.section("pat-scan benchmark summary")
    width = max(len(name) for name, _ in RESULTS)
    for name, text in RESULTS:
        terminalreporter.write_line(f"{name:<{width}}  {text}")
