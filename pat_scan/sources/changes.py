"""Changes as git records them: the staged commit (hook) or a range of commits (pre-push).

Each changed file is read whole from its new blob, never from the work tree, and paired with the
lines the change added, so findings can be limited to what the commit introduces.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pat_scan import git
from pat_scan.sources import Blob, diff
from pat_scan.sources.diff import FileChange


def staged(root: Path, paths: Sequence[str] = ()) -> Iterator[FileChange]:
    """What the commit being made adds to the current branch (for a merge, under pre-commit
    or pre-merge-commit, what it brings in from the merged branch too: the index against
    HEAD), each change as soon as git's patch has told all of it; of `paths` only, when given.

    A file the commit adds is added whole: it is listed (`git diff --raw`) without git printing
    it as patch text, which for an initial commit would be the whole tree, read and held by git
    and parsed here only to learn that every line is new."""
    listed, paths, without = _listing(root, paths)
    if not any(change.status == "A" for change in listed):
        return diff.changes(git.staged_patch(root, paths, without))
    return iter(_with_added_whole(root, paths, listed, without))


def _listing(root: Path, paths: Sequence[str]) -> tuple[list[diff.RawChange], Sequence[str], str]:
    """(the staged changes of `paths`, the pathspecs that select them, the statuses the patch
    leaves out). Git matches every pathspec against every staged path (0.6 s of a 3,000-file
    commit with 3,000 paths), so when `paths` name every staged change (pre-commit passes all
    of them) the patch is asked for without any: the same changes, as long as no rename pairs
    a passed path with another (then the listing with pathspecs is kept) and the deletions
    nobody passed are left out of the patch."""
    everything = diff.parse_raw(git.staged_changes(root))
    if not paths:
        return everything, paths, ""
    passed = set(paths)
    deleted = {change.path for change in everything if change.status == "D"}
    renamed = any(change.status[:1] in ("R", "C") for change in everything)
    others = [change for change in everything if change.status != "D"]
    if not renamed and not deleted & passed and all(c.path in passed for c in others):
        return others, (), "d" if deleted else ""
    return diff.parse_raw(git.staged_changes(root, paths)), paths, ""


def _with_added_whole(
    root: Path, paths: Sequence[str], listed: Sequence[diff.RawChange], without: str
) -> list[FileChange]:
    """The changes in the patch's order: the added files from the listing, the others from the
    patch of all but them. A patch change's place is its path's in the listing (a deletion, with
    no new path, stays after the change before it: it has nothing to scan)."""
    place = {change.path: index for index, change in enumerate(listed)}
    others = (
        diff.parse(git.staged_patch(root, paths, without="a" + without))
        if any(change.status != "A" for change in listed)
        else []
    )
    placed: list[tuple[int, FileChange]] = []
    last = -1
    for change in others:
        last = place.get(change.path, last)
        placed.append((last, change))
    placed += [(place[c.path], diff.added_whole(c)) for c in listed if c.status == "A"]
    placed.sort(key=lambda pair: pair[0])  # stable: a file's own patch changes keep their order
    return [change for _, change in placed]


def pushed(root: Path, from_ref: str, to_ref: str) -> list[FileChange]:
    """What a push adds: each commit's own changes, and of each merge what none of its parents
    had (a conflict resolution; the merged branch's commits are scanned as commits): every
    commit not yet on the remote's branch (the from-ref, when this clone has it; all zeros for a
    new branch) nor on any remote-tracking branch."""
    if not to_ref.strip("0"):
        return []  # deleting a branch adds nothing
    # Commits the remote has already (its branch, or any other remote-tracking branch) are
    # not this push's.
    known = [from_ref] if from_ref.strip("0") and git.has_commit(root, from_ref) else []
    revisions = [to_ref, "--not", *known, "--remotes"]
    found = diff.parse(git.range_patch(root, revisions))
    parents = git.merge_parents(root, revisions)
    if not parents:
        return found
    merges = diff.parse(git.range_patch(root, revisions, merges=True))
    return found + _merges(merges, parents)


def _merges(changes: list[FileChange], parents: dict[str, int]) -> list[FileChange]:
    """Each merge's changes against each of its parents (grouped as they came), reduced to
    what none of its parents had; a merge that is one of its parents as it is adds nothing."""
    by_commit: dict[str, dict[int, list[FileChange]]] = {}
    for change in changes:
        by_commit.setdefault(change.commit, {}).setdefault(change.part, []).append(change)
    return [
        change
        for commit, parts in by_commit.items()
        if len(parts) == parents.get(commit)
        for change in diff.common([parts[part] for part in sorted(parts)])
    ]


def blobs(
    root: Path,
    changes: Iterable[FileChange],
    max_size: int,
    excluded: Callable[[str], bool] = lambda path: False,
) -> Iterator[tuple[FileChange, Blob]]:
    """Each scannable change with its new content; files that `excluded` (the configuration's
    test, on file paths) refuses are marked so without being read. Changes are taken a batch
    at a time, as the patch is still being parsed, and their blobs read as they are wanted
    through one `git cat-file --batch`: git's diff, git's reads and the scan overlap, and
    memory holds one blob at a time (and those a later change of the batch shares)."""
    reader: git.BlobReader | None = None
    complete = False
    try:
        for batch in _batches((c for c in changes if c.scannable), _BATCH_CHANGES):
            skipped = {c.path for c in batch if excluded(os.path.join(root, c.path))}
            needed: list[str] = []  # in the order they are wanted
            for change in batch:
                if change.path not in skipped:
                    needed.append(change.blob)
                    if change.binary and change.old_blob.strip("0"):
                        needed.append(change.old_blob)
            # An empty commit, or nothing but excluded files: no git process to start.
            if needed and reader is None:
                reader = git.BlobReader(root)
            contents = _Contents(reader, needed, max_size) if reader and needed else None
            for change in batch:
                if change.path in skipped or contents is None:
                    yield change, Blob(change.path, skipped="excluded")
                    continue
                data = contents.take(change.blob)
                binary_before = change.binary and change.old_blob.strip("0")
                before = contents.take(change.old_blob) if binary_before else None
                if data is None:  # larger than the limit: read again in pieces when scanned
                    pieces = functools.partial(git.blob_pieces, root, change.blob, max_size)
                    yield change, Blob(change.path, pieces=pieces, before=before)
                else:
                    yield change, Blob(change.path, data, before=before)
        complete = True
    finally:
        if reader is not None:
            try:
                if complete:  # git's exit checked; else (an error, an interrupt) it is stopped
                    reader.finish()
            finally:
                reader.close()


_BATCH_CHANGES = 128


def _batches(items: Iterable[FileChange], size: int) -> Iterator[list[FileChange]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Contents:
    """One batch's blobs, read in the order they are wanted, each once: what a later change
    wants again (the same blob staged at two paths) is kept until then, nothing else."""

    def __init__(self, reader: git.BlobReader, needed: Sequence[str], max_size: int) -> None:
        self._uses = Counter(needed)
        distinct = list(dict.fromkeys(needed))
        self._unread = len(distinct)
        self._objects = reader.read(distinct, max_size)
        self._held: dict[str, bytes | None] = {}

    def take(self, oid: str) -> bytes | None:
        """The content of `oid` (None above the size limit), in the order `needed` gave."""
        while oid not in self._held:
            found, _, _, data = next(self._objects)
            self._held[found] = data
            self._unread -= 1
            if not self._unread:  # let the batch end: one left suspended closes the reader
                next(self._objects, None)
        self._uses[oid] -= 1
        return self._held[oid] if self._uses[oid] else self._held.pop(oid)
