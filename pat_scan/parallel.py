"""Worker processes for large scans (a tree, a history): one engine per process, Ctrl-C handled
by the parent alone."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool

from pat_scan.engine import Matcher
from pat_scan.rules import Rule

# Worker state: the engine, built once per process by `init_worker` (or lent by `use_matcher`).
_matcher: Matcher | None = None


def jobs() -> int:
    """Processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def init_worker(rules: Sequence[Rule]) -> None:
    """Pool initializer: ignore Ctrl-C (the parent stops the pool and reports) and build the
    engine; the Hyperscan database is already in the on-disk cache, so this is a load."""
    import signal

    from pat_scan import engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked while forking
    global _matcher
    _matcher = engine.create(rules)


def use_matcher(matcher: Matcher) -> None:
    """Serial mode: work in this process with the caller's engine."""
    global _matcher
    _matcher = matcher


def matcher() -> Matcher:
    assert _matcher is not None, "init_worker or use_matcher first"
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
    # Done: the workers exit on their own, running what they left to do at exit (at_exit).
    created.close()
    created.join()


def at_exit(action: Callable[[], None]) -> None:
    """Run `action` when this process ends normally: a pool worker after its pool is closed
    (an interrupted pool is terminated instead, and its workers run nothing)."""
    from multiprocessing import util

    util.Finalize(None, action, exitpriority=0)
