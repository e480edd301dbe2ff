"""The unified-diff parser, on patches real git produces."""

from __future__ import annotations

from pathlib import Path

from pat_scan import git as git_calls
from pat_scan.sources import diff
from tests.helpers import git


def _staged(repo: Path) -> list[diff.FileChange]:
    return diff.parse(git_calls.staged_patch(repo))


def test_added_ranges_and_blob_ids(repo: Path) -> None:
    (repo / "a.txt").write_text("one\ntwo\nthree\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-qm", "base")
    (repo / "a.txt").write_text("zero\none\nTWO\nthree\nfour\nfive\n")
    git(repo, "add", "a.txt")
    (change,) = _staged(repo)
    assert change.path == "a.txt"
    assert change.added == [(1, 1), (3, 3), (5, 6)]
    assert change.blob == git(repo, "rev-parse", ":a.txt").stdout.strip()
    assert change.scannable


def test_first_commit_has_no_head(repo: Path) -> None:
    (repo / "new.txt").write_text("a\nb\n")
    git(repo, "add", "new.txt")
    (change,) = _staged(repo)
    assert change.added == [(1, 2)]


def test_unusual_names_deletions_renames_and_lookalike_content(repo: Path) -> None:
    names = ["sp ace.txt", "uni\u00e9.txt", "new\nline.txt", 'q"uote.txt']
    for name in names:
        (repo / name).write_text(f"{name}\n")
    (repo / "gone.txt").write_text("bye\n")
    (repo / "moved.txt").write_text("same content\n" * 5)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    for name in names:
        (repo / name).write_text("diff --git a/x b/x\n+++ b/fake\n@@ -1 +1 @@\n")
    (repo / "gone.txt").unlink()
    git(repo, "mv", "moved.txt", "renamed.txt")
    git(repo, "add", "-A")
    changes = {c.path: c for c in _staged(repo)}
    assert set(changes) == {*names, "", "renamed.txt"}  # '' is the deletion
    for name in names:
        assert changes[name].added == [(1, 3)]
    assert not changes[""].scannable
    assert not changes["renamed.txt"].added


def test_unquote() -> None:
    assert diff.unquote(b'"a\\tb\\303\\251\\"c"') == 'a\tb\u00e9"c'
    assert diff.unquote(b"plain name") == "plain name"


def test_what_a_merge_adds_is_what_every_parents_patch_adds() -> None:
    from pat_scan.sources.diff import FileChange, common

    def change(path: str, *added: tuple[int, int]) -> FileChange:
        made = FileChange(path, "m")
        made.blob, made.added = "b" * 40, list(added)
        return made

    first = [change("a.py", (1, 3), (7, 7)), change("only-first.py", (1, 1))]
    second = [change("a.py", (2, 2), (6, 9))]
    [merged] = common([first, second])
    assert merged.path == "a.py" and merged.added == [(2, 2), (7, 7)]
    assert [(c.path, c.added) for c in common([first])] == [(c.path, c.added) for c in first]
    assert common([]) == []
