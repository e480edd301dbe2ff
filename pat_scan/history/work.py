"""What a history scan does with its blobs and messages: a chunk of blob ids read and scanned in
one process (a pool worker, or this one), and commit messages scanned in batches. Only findings
and counts travel back."""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pat_scan import git, parallel
from pat_scan.content import scan_bytes, scan_content
from pat_scan.engine import Matcher
from pat_scan.findings import MESSAGE_PATH, Finding
from pat_scan.results import partly_checked
from pat_scan.sources import history
from pat_scan.sources.history import Commit
from pat_scan.suppress import baseline


class Chunk(NamedTuple):
    """What scanning one chunk of blob ids found; small, so it can cross a process boundary."""

    objects: int  # blobs read, scanned or not
    bytes_read: int
    files: int  # blobs scanned
    bytes_scanned: int
    skipped: dict[str, int]
    unscanned: dict[str, str]  # a blob's path -> why one version of it was not wholly checked
    found: list[tuple[str, list[Finding]]]  # (blob id, its findings at the blob's path)
    scanned: list[tuple[str, str | None]]  # (blob id, why skipped or None): for the store


class ChunkTask:
    """Scan (blob id, path) pairs of the repository at `root`; the path decides path-limited
    rules and notebook handling. A class, not a closure, so that a pool can send it."""

    __slots__ = ("baselines", "max_size", "root")

    def __init__(self, root: str, max_size: int, baselines: frozenset[str]) -> None:
        self.root = root
        self.max_size = max_size
        self.baselines = baselines

    def __call__(self, work: Sequence[tuple[str, str]]) -> Chunk:
        matcher = parallel.matcher()
        objects = bytes_read = files = bytes_scanned = 0
        skipped: Counter[str] = Counter()
        unscanned: dict[str, str] = {}
        found: list[tuple[str, list[Finding]]] = []
        scanned: list[tuple[str, str | None]] = []
        contents = history.read_blobs(self.root, [oid for oid, _ in work], self.max_size)
        with contextlib.closing(contents):  # an error half-way stops the stream at once
            for (oid, path), (_, kind, size, data) in zip(work, contents, strict=True):
                if kind != "blob":  # a tag or commit named on the command line
                    continue
                objects += 1
                bytes_read += size
                unchecked: Counter[str] = Counter()
                pieces = None
                if data is None:  # larger than the limit: read again in pieces
                    pieces = functools.partial(git.blob_pieces, Path(self.root), oid, self.max_size)
                result = scan_content(matcher, data or b"", pieces, path, unchecked)
                if result is None:
                    skipped["binary"] += 1
                    scanned.append((oid, "binary"))
                    continue
                hits, _ = result
                if data and path.rsplit("/", 1)[-1] in self.baselines:
                    hits = baseline.without_entries(hits, data)
                scanned.append((oid, None))
                files += 1
                bytes_scanned += size
                if unchecked:
                    unscanned[path] = f"blob {oid[:12]}: {partly_checked(unchecked)}"
                if hits:
                    found.append((oid, hits))
        return Chunk(
            objects, bytes_read, files, bytes_scanned, dict(skipped), unscanned, found, scanned
        )


def scan_messages(matcher: Matcher, commits: Sequence[Commit]) -> dict[str, list[Finding]]:
    """Findings in commit messages, by commit id. The messages are scanned joined, once (most
    hold nothing, and one scan per message cost more than the scanning); a message that holds
    a finding's first line is then scanned alone, so lines and columns are its own."""
    from bisect import bisect_right

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
