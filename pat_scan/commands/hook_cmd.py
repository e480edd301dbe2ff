"""`pat-scan hook [FILE...]`: the pre-commit framework's entry point, right in every mode.

- pre-push (pre-commit sets PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF): what the pushed commits add.
- inside `git commit` (git exports GIT_INDEX_FILE to its hooks): what the staged blobs add, read
  from that index, never the work tree; a secret already in HEAD does not block an unrelated edit.
- `pre-commit run --files F` / `--all-files` (files have no staged change): the files, whole.
With no files and outside a commit, it checks what `git commit` would add now.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pat_scan.commands.scan_cmd import add_size_option

if TYPE_CHECKING:
    from pat_scan.sources.diff import FileChange


def register(commands: Any, *parents: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "hook",
        parents=parents,
        help="pre-commit / pre-push hook (see .pre-commit-hooks.yaml)",
        description="Block a commit or push that adds a credential. Under `git commit`, scans the "
        "staged content and reports only lines the commit adds; under `pre-commit run --files` or "
        "`--all-files`, scans the files whole; under pre-push, what the pushed commits add.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="files passed by pre-commit")
    add_size_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pat_scan import git, scan
    from pat_scan.commands.common import Prepared, finish
    from pat_scan.errors import GitError
    from pat_scan.sources import Blob, changes, files
    from pat_scan.suppress.baseline import root_relative

    root = git.toplevel(Path.cwd())
    if root is None:
        raise GitError("not inside a git work tree: the hook scans what git is about to commit")
    prepared = Prepared(args, root)
    max_size = prepared.max_size
    excluded = prepared.config.excluder()
    found, whole = _what_to_scan(root, [root_relative(f, root) for f in args.files])
    here = Path.cwd()
    entries: list[tuple[Blob, FileChange | None]] = [
        (blob._replace(path=root_relative(str(root / blob.path), here)), change)
        for change, blob in changes.blobs(
            root, found, max_size, lambda path: excluded(str(root / path))
        )
    ]
    entries += [
        (blob, None)
        for blob in files.blobs(
            [str(root / f) for f in whole], use_git=False, max_size=max_size, excluded=excluded
        )
    ]
    # The engine only when something is left to scan: an empty or all-excluded commit skips it.
    matcher = prepared.matcher if any(not blob.skipped for blob, _ in entries) else None
    result = scan.scan_entries(entries, matcher, prepared.config)
    return finish(args, prepared, result, "hook", stale_scope=set())


def _what_to_scan(root: Path, passed: list[str]) -> tuple[list[FileChange], list[str]]:
    """(changes whose added lines to check, files to scan whole), by the mode git and pre-commit
    put the hook in; paths are relative to the repository root."""
    from pat_scan.sources import changes

    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:  # pre-push
        return changes.pushed(root, from_ref, to_ref), []
    if "GIT_INDEX_FILE" in os.environ or not passed:  # inside `git commit`, or run by hand
        found = changes.staged(root, passed)
        staged_paths = {c.path for c in found}
        return found, [f for f in passed if f not in staged_paths]  # never skip a passed file
    return [], passed  # pre-commit run --files / --all-files
