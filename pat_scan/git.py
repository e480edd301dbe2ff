"""Every git call pat-scan makes. NUL-separated output everywhere; the inherited environment
(GIT_INDEX_FILE, GIT_DIR, ...) is kept, because during `git commit -a` or `git commit <paths>` git
points GIT_INDEX_FILE at the index that is about to be committed."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pat_scan.errors import GitError


def run(args: Sequence[str], cwd: str | os.PathLike[str] | None = None) -> bytes:
    """stdout of `git ARGS`; a failure (or git missing) raises GitError with git's message."""
    return run_with_input(args, None, cwd)


def split_z(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def toplevel(path: str | os.PathLike[str]) -> Path | None:
    """The work tree root containing `path`, or None outside any work tree."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    try:
        out = run(("rev-parse", "--show-toplevel"), cwd=folder or ".")
    except GitError:
        return None
    text = out.decode().strip()
    return Path(text) if text else None


def work_tree_files(root: Path, pathspecs: Sequence[str] = ()) -> list[str]:
    """Tracked plus untracked-not-ignored files under `root`, relative to it."""
    out = run(
        (
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--deduplicate",
            "--",
            *pathspecs,
        ),
        cwd=root,
    )
    return split_z(out)


# Options that make `git diff` output parseable whatever the user's configuration says.
PATCH_OPTIONS = (
    "-p",
    "-U0",
    "--full-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--find-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


def staged_patch(root: Path, paths: Sequence[str] = ()) -> bytes:
    """What the commit being made adds: the index (GIT_INDEX_FILE, inherited) against HEAD.

    On the first commit there is no HEAD; `git diff --cached` then compares with the empty tree.
    """
    return run(
        (
            "--literal-pathspecs",
            "-c",
            "core.quotePath=true",
            "diff",
            "--cached",
            *PATCH_OPTIONS,
            "--",
            *paths,
        ),
        cwd=root,
    )


def range_patch(root: Path, revisions: Sequence[str]) -> bytes:
    """Each commit's own patch (against its first parent), oldest first, each after a marker."""
    return run(
        (
            "-c",
            "core.quotePath=true",
            "log",
            "--reverse",
            "--no-merges",
            "--format=%x00commit %H",
            *PATCH_OPTIONS,
            *revisions,
            "--",
        ),
        cwd=root,
    )


def has_commit(root: Path, revision: str) -> bool:
    try:
        run(("cat-file", "-e", f"{revision}^{{commit}}"), cwd=root)
    except GitError:
        return False
    return True


def read_blobs(root: Path, blob_ids: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch` process."""
    unique = list(dict.fromkeys(blob_ids))
    if not unique:
        return {}
    output = run_with_input(("cat-file", "--batch"), ("\n".join(unique) + "\n").encode(), root)
    blobs: dict[str, bytes] = {}
    offset = 0
    for blob_id in unique:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split(b" ")
        if len(header) != 3:  # "<id> missing"
            raise GitError(f"cannot read object {blob_id}: {output[offset:header_end]!r}")
        size = int(header[2])
        blobs[blob_id] = output[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1  # content, then a newline
    return blobs


def run_with_input(
    args: Sequence[str], data: bytes | None, cwd: str | os.PathLike[str] | None
) -> bytes:
    try:
        completed = subprocess.run(
            ("git", *args),
            cwd=cwd,
            input=data,
            stdin=subprocess.DEVNULL if data is None else None,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {completed.returncode}"
        raise GitError(f"git {_subcommand(args)} failed: {detail}")
    return completed.stdout


def _subcommand(args: Sequence[str]) -> str:
    """The git command in ARGS, past global options such as `-c key=value`."""
    words = iter(args)
    for word in words:
        if word == "-c":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return "command"
