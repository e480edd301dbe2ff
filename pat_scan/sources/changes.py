"""Changes as git records them: the staged commit (hook) or a range of commits (pre-push).

Each changed file is read whole from its new blob, never from the work tree, and paired with the
lines the change added, so findings can be limited to what the commit introduces.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pat_scan import git
from pat_scan.sources import Blob, diff
from pat_scan.sources.diff import FileChange


def staged(root: Path, paths: Sequence[str] = ()) -> list[FileChange]:
    """What the commit being made adds to the current branch (for a merge, under pre-commit
    or pre-merge-commit, what it brings in from the merged branch too: the index against
    HEAD)."""
    return diff.parse(git.staged_patch(root, paths))


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
    changes: Sequence[FileChange],
    max_size: int,
    excluded: Callable[[str], bool] = lambda path: False,
) -> Iterator[tuple[FileChange, Blob]]:
    """Each scannable change with its new content; files that `excluded` (the configuration's
    test, on file paths) refuses are marked so without being read."""
    wanted = [c for c in changes if c.scannable]
    skipped = {c.path for c in wanted if excluded(os.path.join(root, c.path))}
    read = [c for c in wanted if c.path not in skipped]
    ids = dict.fromkeys(c.blob for c in read)  # shared blobs: once
    ids.update(dict.fromkeys(c.old_blob for c in read if c.binary and c.old_blob.strip("0")))
    # An empty commit, or nothing but excluded files: no git process to start.
    contents = {oid: data for oid, _, _, data in git.iter_blobs(root, ids, max_size)} if ids else {}
    for change in wanted:
        if change.path in skipped:
            yield change, Blob(change.path, skipped="excluded")
            continue
        data = contents[change.blob]
        before = contents.get(change.old_blob) if change.binary else None
        if data is None:  # larger than the limit: read again in pieces when it is scanned
            pieces = functools.partial(git.blob_pieces, root, change.blob, max_size)
            yield change, Blob(change.path, pieces=pieces, before=before)
        else:
            yield change, Blob(change.path, data, before=before)
