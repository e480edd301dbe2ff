"""The one parallel driver, for tree and history scans alike: work items go through a pool of
worker processes, each with its own engine, or through this process when there is too little
work to pay for a pool. Results stream back in order; Ctrl-C is handled by the parent alone."""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

from pat_scan.engine import Matcher
from pat_scan.rules import Rule

Item = TypeVar("Item")
Output = TypeVar("Output")

# Items handed to the pool ahead of the results taken back, per worker: enough to keep every
# worker busy, few enough that memory does not grow with the input.
AHEAD_PER_WORKER = 2

# Worker state: the engine, built once per process by `init_worker` (or lent by `ordered_map`).
_matcher: Matcher | None = None


def jobs() -> int:
    """Processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ordered_map(
    work: Callable[[Item], Output], items: Iterable[Item], matcher: Matcher, workers: int
) -> Generator[Output, None, None]:
    """`work(item)` for each item, in order. With `workers` > 1 in a pool of that many processes
    (each builds its own engine from `matcher`'s rules and reads it with `matcher()`), else here
    with `matcher` itself. The input is consumed as the results are taken; closing the iterator
    (an error or Ctrl-C in the caller) stops the pool at once."""
    global _matcher
    if workers <= 1:
        _matcher = matcher
        for item in items:
            yield work(item)
        return
    with pool(workers, matcher.rules) as created:
        running: deque[AsyncResult[Output]] = deque()
        for item in items:
            running.append(created.apply_async(work, (item,)))
            if len(running) > AHEAD_PER_WORKER * workers:
                yield running.popleft().get()
        while running:
            yield running.popleft().get()


def init_worker(rules: Sequence[Rule]) -> None:
    """Pool initializer: ignore Ctrl-C (the parent stops the pool and reports) and build the
    engine; the Hyperscan database is already in the on-disk cache, so this is a load."""
    import signal

    from pat_scan import engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while forking
    global _matcher
    _matcher = engine.create(rules)


def matcher() -> Matcher:
    """The engine of this process, for work run by `ordered_map`."""
    assert _matcher is not None, "only work run by ordered_map has an engine"
    return _matcher


@contextlib.contextmanager
def pool(workers: int, rules: Sequence[Rule]) -> Iterator[Pool]:
    import multiprocessing
    import signal

    # Ctrl-C waits until the pool exists (and workers inherit the block until they ignore it):
    # an interrupt in the middle of creating it would leave it unstoppable.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        created = multiprocessing.Pool(workers, init_worker, (rules,))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield created
    except BaseException:  # an interrupt or an error: stop now
        created.terminate()
        created.join()
        raise
    # Done: the workers exit on their own, running what they left to do at exit.
    created.close()
    created.join()
