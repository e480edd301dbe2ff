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
    try:
        completed = subprocess.run(
            ("git", *args), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {completed.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return completed.stdout


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
