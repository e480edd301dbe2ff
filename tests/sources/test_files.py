"""Listing files on disk: the walk lists what a sorted top-down os.walk lists, in its order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pat_scan.sources import files


def _tree(root: Path) -> None:
    for name in ("b/z.txt", "b/a/deep/x.py", "a.txt", "B.txt", "c d/e.txt", ".git/config"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    (root / "b" / "link-to-dir").symlink_to(root / "b" / "a", target_is_directory=True)
    (root / "dangling").symlink_to(root / "gone")
    (root / "file-link").symlink_to(root / "a.txt")


def _os_walk(top: str) -> list[tuple[str, str]]:
    """What the listing promises, written the slow, plain way."""
    listed = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        where = os.path.relpath(folder)
        for name in sorted(names):
            display = name if where == "." else f"{where}/{name}"
            listed.append((display, os.path.join(folder, name)))
    return listed


@pytest.mark.parametrize("spelled", ["{root}", "{root}/", "./{name}"])
def test_the_walk_lists_what_os_walk_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelled: str
) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _tree(root)
    monkeypatch.chdir(tmp_path)
    top = spelled.format(root=root, name=root.name)
    listed = list(files.listing([top], use_git=False))
    expected = _os_walk(top)
    assert [d for d, _ in listed] == [d for d, _ in expected]
    assert [os.path.realpath(r) for _, r in listed] == [os.path.realpath(r) for _, r in expected]
    shown = [d for d, _ in listed]
    assert "tree/b/link-to-dir" not in shown  # a link to a folder is neither walked nor a file
    assert "tree/dangling" in shown and "tree/file-link" in shown  # read() skips them, counted
    assert not any("/.git/" in d for d in shown)


def test_a_file_named_twice_is_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _tree(root)
    monkeypatch.chdir(tmp_path)
    listed = list(files.listing(["tree/a.txt", "tree", "./tree/b"], use_git=False))
    displays = [d for d, _ in listed]
    assert displays.count("tree/a.txt") == 1 and displays.count("tree/b/z.txt") == 1
