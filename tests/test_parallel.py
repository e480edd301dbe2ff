"""The one parallel driver: results in input order from a real pool or from this process, the
input read only as far as the pool needs it, and a pool stopped at once when its caller stops."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pat_scan import engine, parallel, rules
from pat_scan.engine import Matcher


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return engine.create(rules.load(examples=False)[:5])


def square_in_worker(item: int) -> tuple[int, int, int]:
    """(item squared, the pid that worked on it, how many rules its engine has)."""
    return item * item, os.getpid(), len(parallel.matcher().rules)


def test_serial_runs_here_with_the_callers_engine(matcher: Matcher) -> None:
    done = list(parallel.ordered_map(square_in_worker, range(10), matcher, workers=1))
    assert [value for value, _, _ in done] == [n * n for n in range(10)]
    assert {pid for _, pid, _ in done} == {os.getpid()}
    assert parallel.matcher() is matcher


def test_a_pool_gives_the_same_results_in_order(matcher: Matcher, pool_sizes: list[int]) -> None:
    done = list(parallel.ordered_map(square_in_worker, range(50), matcher, workers=2))
    assert [value for value, _, _ in done] == [n * n for n in range(50)]
    assert os.getpid() not in {pid for _, pid, _ in done}
    assert {size for _, _, size in done} == {5}  # each worker built its own engine of these rules
    assert pool_sizes == [2]


def test_the_input_is_read_only_as_far_as_the_pool_needs(matcher: Matcher) -> None:
    drawn: list[int] = []

    def endless() -> Iterator[int]:
        for n in itertools.count():
            drawn.append(n)
            yield n

    results = parallel.ordered_map(square_in_worker, endless(), matcher, workers=2)
    with contextlib.closing(results):
        first = [next(results)[0] for _ in range(3)]
    assert first == [0, 1, 4]
    # Taking three results leaves at most AHEAD_PER_WORKER items per worker in flight.
    assert len(drawn) <= 3 + parallel.AHEAD_PER_WORKER * 2 + 1


def sleep_in_worker(item: int) -> int:
    time.sleep(30)
    return item


def test_closing_stops_the_pool_at_once(matcher: Matcher) -> None:
    results = parallel.ordered_map(sleep_in_worker, range(4), matcher, workers=2)
    pending = _children()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), contextlib.closing(results):
        _start_and_interrupt(results)
    assert time.monotonic() - started < 20  # not the 30 s the work would take
    assert _children() <= pending  # the workers are gone


def _start_and_interrupt(results: Iterator[int]) -> None:
    """Start the pool (the first result never comes), then interrupt as Ctrl-C would."""
    import signal
    import threading

    threading.Timer(2.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    next(results)


def _children() -> set[str]:
    found: set[str] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        found |= set(task.read_text().split())
    return found
