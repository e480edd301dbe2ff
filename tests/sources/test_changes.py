"""Staged changes: files the commit adds are listed, not diffed, and come out as the patch
would give them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pat_scan import git as git_calls
from pat_scan.sources import changes, diff
from tests.helpers import git


def _seen(found: list[diff.FileChange]) -> list[tuple[str, str, str, str]]:
    return [(c.path, c.blob, c.old_blob, c.mode) for c in found if c.scannable]


def test_added_files_come_out_as_the_whole_patch_gives_them(repo: Path) -> None:
    (repo / "a.txt").write_text("one\ntwo\n")
    (repo / "link").symlink_to("a.txt")
    (repo / "gone.txt").write_text("bye\n")
    (repo / "moved.txt").write_text("same content\n" * 5)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    (repo / "a.txt").write_text("one\nTWO\nthree\n")
    (repo / "new.txt").write_text("x\ny\nz\n")
    (repo / "empty.txt").write_text("")
    (repo / "blob.bin").write_bytes(b"\0\1\2binary")
    (repo / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (repo / "run.sh").chmod(0o755)
    (repo / "new-link").symlink_to("a.txt")
    (repo / "uni\u00e9 sp\nace.txt").write_text("u\n")
    (repo / "gone.txt").unlink()
    git(repo, "mv", "moved.txt", "renamed.txt")
    (repo / "link").unlink()
    (repo / "link").write_text("now a file\n")  # a type change: two changes in the patch
    git(repo, "add", "-A")
    listed = diff.parse_raw(git_calls.staged_changes(repo))
    assert {c.status for c in listed} >= {"A", "M", "D", "T", "R100"}
    whole = diff.parse(git_calls.staged_patch(repo))
    found = list(changes.staged(repo))
    assert _seen(found) == _seen(whole)
    added = {c.path for c in listed if c.status == "A"}
    for mine, theirs in zip(
        [c for c in found if c.scannable], [c for c in whole if c.scannable], strict=True
    ):
        if mine.path in added:  # every line of it added, whatever git made of its text
            assert mine.added == [(1, sys.maxsize)]
            lines = (repo / mine.path).read_bytes().count(b"\n")
            assert theirs.binary or theirs.added == [(1, lines)]
        else:
            assert (mine.added, mine.binary) == (theirs.added, theirs.binary)
    assert "empty.txt" not in {c.path for c in found if c.scannable}  # nothing added
    assert "new-link" not in {c.path for c in found if c.scannable}


def test_an_initial_commit_asks_git_for_no_patch(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file is added: the listing says all there is, and no patch is asked for (a git
    that would print one here fails the test)."""
    (repo / "a.txt").write_text("a\n")
    (repo / "b.txt").write_text("b\nc\n")
    git(repo, "add", ".")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real_git = git(repo, "--exec-path").stdout.strip() + "/git"
    (bin_dir / "git").write_text(
        f'#!/bin/sh\ncase "$*" in *" -p "*) echo "patch asked for" >&2; exit 9;; esac\n'
        f'exec {real_git} "$@"\n'
    )
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = list(changes.staged(repo))
    assert [(c.path, c.added) for c in found] == [
        ("a.txt", [(1, sys.maxsize)]),
        ("b.txt", [(1, sys.maxsize)]),
    ]


def _staged_state(repo: Path, rename: bool) -> None:
    for name in ("a.txt", "b.txt", "gone.txt", "moved.txt"):
        (repo / name).write_text(f"{name} line\n" * 5)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    (repo / "a.txt").write_text("a.txt line\nchanged\n")
    (repo / "new.txt").write_text("x\ny\n")
    (repo / "gone.txt").unlink()
    if rename:
        git(repo, "mv", "moved.txt", "renamed.txt")
    git(repo, "add", "-A")


@pytest.mark.parametrize("rename", [False, True])
@pytest.mark.parametrize(
    "passed",
    [
        ("a.txt", "new.txt"),
        ("a.txt", "new.txt", "renamed.txt"),
        ("a.txt", "new.txt", "gone.txt"),
        ("new.txt",),
        ("a.txt", "new.txt", "b.txt"),  # b.txt has no staged change
    ],
)
def test_passed_paths_select_what_pathspecs_would(
    repo: Path, rename: bool, passed: tuple[str, ...]
) -> None:
    """Whether git is given the passed paths or not (when they name every staged change), the
    changes are those of the passed paths, deletions and renames included."""
    _staged_state(repo, rename)
    listed = diff.parse_raw(git_calls.staged_changes(repo, passed))
    added = {c.path for c in listed if c.status == "A"}
    expected = [
        (c.path, c.blob, [(1, sys.maxsize)] if c.path in added else c.added)
        for c in diff.parse(git_calls.staged_patch(repo, passed))
        if c.scannable
    ]
    found = [(c.path, c.blob, c.added) for c in changes.staged(repo, passed) if c.scannable]
    assert found == expected
    assert {path for path, _, _ in found} <= set(passed)


def test_paths_naming_every_staged_change_are_not_given_to_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git matches each pathspec against each staged path: pre-commit passes every staged file,
    and a 3,000-file commit spent 0.6 s there. A deletion nobody passed is left out instead."""
    _staged_state(repo, rename=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    real_git = git(repo, "--exec-path").stdout.strip() + "/git"
    (bin_dir / "git").write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real_git} "$@"\n')
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    found = [c.path for c in changes.staged(repo, ["a.txt", "new.txt"]) if c.scannable]
    assert found == ["a.txt", "new.txt"]
    calls = [line for line in log.read_text().splitlines() if line.split()[1:2] == ["diff"]]
    assert calls and all(line.endswith(" --") for line in calls)
