"""What a repository's history holds: its blobs (each unique one once, listed by `git rev-list
--objects` and read through one `git cat-file --batch` stream per process) and its commits (one
`git log` pass: metadata, messages and, for the blobs that need dating, the commit that added
each)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan import git


class Commit(NamedTuple):
    sha: str
    author: str
    email: str
    date: str  # ISO 8601, as shown
    message: str
    added: list[tuple[str, str]]  # (blob id, path) of wanted blobs the commit adds or changes


# This process's cat-file stream, kept from one chunk to the next (by process: a worker forked
# while the parent held one must start its own).
_readers: dict[tuple[int, str], git.BlobReader] = {}


def read_blobs(
    root: str, ids: Sequence[str], max_size: int
) -> Generator[tuple[str, str, int, bytes | None], None, None]:
    """(id, type, size, content or None when larger than `max_size`) of each of `ids`, through
    this process's cat-file stream for `root` (started on first use; in a pool worker it lasts
    until the worker ends). A batch abandoned half-read stops the stream."""
    import multiprocessing
    import os

    key = (os.getpid(), root)
    reader = _readers.get(key)
    if reader is None:
        reader = _readers[key] = git.BlobReader(Path(root), git.PACK_WINDOWS)
        if multiprocessing.parent_process() is not None:  # a worker: it lasts until the worker ends
            _at_exit(stop_readers)
    try:
        yield from reader.read(ids, max_size)
    except BaseException:
        del _readers[key]  # closed by the half-read batch
        raise


def close_readers() -> None:
    """End this process's cat-file streams (a serial scan is over); a failure raises GitError."""
    while _readers:
        _, reader = _readers.popitem()
        try:
            reader.finish()
        finally:
            reader.close()


def stop_readers() -> None:
    """Stop this process's cat-file streams at once (an interrupt, an error, a worker's end)."""
    while _readers:
        _readers.popitem()[1].close()


def _at_exit(action: Callable[[], None]) -> None:
    """Run `action` when this process ends normally: a pool worker after its pool is closed
    (an interrupted pool is terminated instead, and its workers run nothing)."""
    from multiprocessing import util

    util.Finalize(None, action, exitpriority=0)


def commits(tokens: Iterator[bytes], wanted: Collection[str]) -> Iterator[Commit]:
    """Commits from `git.history_log`'s tokens, oldest first, parents before children; with a
    raw log, the `wanted` blob ids each one adds (the others are not even decoded)."""
    wanted_ids = {oid.encode() for oid in wanted}
    header: list[str] = []
    added: list[tuple[str, str]] = []
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            if header:
                yield _commit(header, added)
            header, added = [token[1:].decode()], []
            for _ in range(4):
                header.append(next(tokens).decode("utf-8", "replace"))
        elif token.startswith(b":"):
            path = next(tokens, b"")
            if not wanted_ids:
                continue
            fields = token.split()
            # ":old-mode new-mode old-id new-id status": new content is A, M or T, not D.
            if (
                len(fields) == 5
                and fields[3] in wanted_ids
                and fields[4][:1] in b"AMT"
                and fields[1] != b"160000"
            ):
                added.append((fields[3].decode(), path.decode("utf-8", "replace")))
    if header:
        yield _commit(header, added)


def _commit(header: list[str], added: list[tuple[str, str]]) -> Commit:
    sha, author, email, date, message = header
    return Commit(sha, author, email, date, message, added)
