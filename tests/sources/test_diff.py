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


def test_a_patch_in_pieces_of_any_size_parses_as_it_does_whole(repo: Path) -> None:
    """Pieces split lines, hunk bodies and "\\ No newline" markers anywhere; hunk bodies are
    skipped a piece at a time and must come out the same as a line at a time."""
    (repo / "old.txt").write_text("one\ntwo\nend without newline")
    (repo / "tail.txt").write_text("kept\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    (repo / "old.txt").write_text("one\nTWO\n++ b/fake, if a marker were counted as a line")
    (repo / "tail.txt").write_text("kept\n" + "@@ -1 +1 @@\n" * 3 + "no newline")
    (repo / "new.txt").write_text("diff --git a/x b/x\n" * 40 + "last")
    (repo / "long.txt").write_text("x" * 5000 + "\n" + "y" * 3000)
    git(repo, "add", ".")
    patch = b"".join(git_calls.staged_patch(repo))
    assert patch.count(b"\n\\ ") == 5  # the markers this test is about
    whole = [(c.path, c.added, c.blob, c.old_blob, c.mode) for c in diff.parse(patch)]
    assert [(path, added) for path, added, *_ in whole] == [
        ("long.txt", [(1, 2)]),
        ("new.txt", [(1, 41)]),
        ("old.txt", [(2, 3)]),
        ("tail.txt", [(2, 5)]),
    ]
    assert whole[0][2] == git(repo, "rev-parse", ":long.txt").stdout.strip()
    for size in (1, 2, 3, 7, 64, 4096):
        pieces = [patch[i : i + size] for i in range(0, len(patch), size)]
        found = [(c.path, c.added, c.blob, c.old_blob, c.mode) for c in diff.parse(pieces)]
        assert found == whole, size


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
