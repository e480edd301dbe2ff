"""One local provider server for a test module, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.verify.provider_server import Server, running


@pytest.fixture(scope="module")
def live() -> Iterator[Server]:
    with running() as server:
        yield server


@pytest.fixture
def server(live: Server) -> Server:
    live.reset()
    return live
