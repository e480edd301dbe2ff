"""Every blob and commit message a repository's history holds, each unique blob read once.

Blob ids come from `git rev-list --objects` and are cut into chunks of consecutive ids (so the
delta chains git resolves stay warm); a worker with its own engine reads each chunk through the
one `git cat-file --batch` stream it keeps, and scans it. Only findings travel back. Commit
metadata and messages come from one `git log` pass (started with the scan, read after it), which
also tells, for the blobs that had findings only, the first commit that added each one.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan import git, parallel
from pat_scan.engine import Matcher
from pat_scan.findings import Finding
from pat_scan.sources import classify

MESSAGE_PATH = "(commit message)"  # the path shown for a finding in a commit message


class Chunk(NamedTuple):
    """What scanning one chunk of blob ids found; small, so it can cross a process boundary."""

    objects: int  # blobs read, scanned or not
    bytes_read: int
    files: int  # blobs scanned
    bytes_scanned: int
    skipped: dict[str, int]
    found: list[tuple[str, list[Finding]]]  # (blob id, its findings at the blob's path)
    scanned: list[tuple[str, str | None]]  # (blob id, why skipped or None): for the store


class Commit(NamedTuple):
    sha: str
    author: str
    email: str
    time: int  # author time, seconds since the epoch: orders "first"
    date: str  # ISO 8601, as shown
    message: str
    added: list[tuple[str, str]]  # (blob id, path) of wanted blobs the commit adds or changes


def chunks(blobs: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive (blob id, path) pairs, `size` at a time, taken as they come."""
    pending = iter(blobs)
    while chunk := list(itertools.islice(pending, size)):
        yield chunk


# This process's cat-file stream, kept from one chunk to the next (by process: a worker forked
# while the parent held one must start its own).
_readers: dict[tuple[int, str], git.BlobReader] = {}


def scan_chunk(root: str, work: list[tuple[str, str]], max_size: int) -> Chunk:
    """Scan (blob id, path) pairs; the path decides path-limited rules and notebook handling."""
    import multiprocessing
    import os

    from pat_scan.content import scan_bytes

    matcher = parallel.matcher()
    key = (os.getpid(), root)
    reader = _readers.get(key)
    if reader is None:
        reader = _readers[key] = git.BlobReader(Path(root))
        if multiprocessing.parent_process() is not None:  # a worker: it lasts until the worker ends
            parallel.at_exit(stop_readers)
    objects = bytes_read = files = bytes_scanned = 0
    skipped: Counter[str] = Counter()
    found: list[tuple[str, list[Finding]]] = []
    scanned: list[tuple[str, str | None]] = []
    try:
        for (oid, path), (_, kind, size, data) in zip(
            work, reader.read([oid for oid, _ in work], max_size), strict=True
        ):
            if kind != "blob":  # a tag or commit named on the command line
                continue
            objects += 1
            bytes_read += size
            reason = "too large" if data is None else classify(data)
            scanned.append((oid, reason))
            if reason is not None or data is None:
                skipped[reason or "too large"] += 1
                continue
            files += 1
            bytes_scanned += size
            hits = scan_bytes(matcher, data, path)
            if hits:
                found.append((oid, hits))
    except BaseException:
        del _readers[key]  # closed by the half-read batch
        raise
    return Chunk(objects, bytes_read, files, bytes_scanned, dict(skipped), found, scanned)


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
            for _ in range(5):
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
    sha, author, email, time, date, message = header
    return Commit(sha, author, email, int(time or 0), date, message, added)


def scan_messages(matcher: Matcher, commits: Sequence[Commit]) -> dict[str, list[Finding]]:
    """Findings in commit messages, by commit id. The messages are scanned joined, once (most
    hold nothing, and one scan per message cost more than the scanning); a message that holds
    a finding's first line is then scanned alone, so lines and columns are its own."""
    from bisect import bisect_right

    from pat_scan.content import scan_bytes

    texts = [commit.message.encode() for commit in commits]
    first_lines: list[int] = []  # of each message, in the joined text
    line = 1
    for text in texts:
        first_lines.append(line)
        line += text.count(b"\n") + 1
    joined = scan_bytes(matcher, b"\n".join(texts), MESSAGE_PATH)
    holding = sorted({bisect_right(first_lines, finding.line) - 1 for finding in joined})
    found = {commits[i].sha: scan_bytes(matcher, texts[i], MESSAGE_PATH) for i in holding}
    return {sha: findings for sha, findings in found.items() if findings}
