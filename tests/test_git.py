"""pat_scan.git against real repositories: the spooled `git log` reads what the streamed one
does, and a failure is an error, never an empty history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pat_scan import git as pat_git
from pat_scan.errors import GitError
from tests.helpers import git


def _commits(repo: Path, count: int) -> None:
    for n in range(count):
        (repo / "f.txt").write_text(f"{n}\n")
        git(repo, "add", "f.txt")
        git(repo, "commit", "-q", "-m", f"message {n}\n\nbody with\nlines")


@pytest.mark.parametrize("near", [None, ".git", "no-such-folder"])
def test_the_spooled_log_reads_what_the_streamed_log_does(repo: Path, near: str | None) -> None:
    """Spooled in the git dir, or where temporary files go when the folder cannot hold one."""
    _commits(repo, 5)
    spooled = pat_git.spool_history_log(repo, ["--all"], None if near is None else repo / near)
    try:
        assert list(spooled.records()) == list(pat_git.history_log(repo, ["--all"], raw=True))
    finally:
        spooled.close()


def test_a_failing_spooled_command_raises_with_gits_message(repo: Path) -> None:
    _commits(repo, 1)
    spooled = pat_git.spool_history_log(repo, ["no-such-branch"])
    try:
        with pytest.raises(GitError, match=r"git log failed: .*no-such-branch"):
            spooled.records()
    finally:
        spooled.close()


def test_a_full_git_dir_disk_falls_back_to_the_temporary_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: git failed with "No space left on device" and the scan with it, though the
    README says the spooled log goes to the temporary folder when the git dir cannot hold it.
    The git dir's disk is made full with /dev/full, where every write fails with ENOSPC."""
    _commits(repo, 5)
    real = pat_git._unnamed_file

    def full_near_the_repository(folder: Path | None) -> object:
        return open("/dev/full", "w+b") if folder is not None else real(None)

    monkeypatch.setattr(pat_git, "_unnamed_file", full_near_the_repository)
    spooled = pat_git.spool_history_log(repo, ["--all"], repo / ".git")
    try:
        assert list(spooled.records()) == list(pat_git.history_log(repo, ["--all"], raw=True))
    finally:
        spooled.close()


def test_gits_whole_message_is_kept_with_the_fix_for_dubious_ownership(repo: Path) -> None:
    """Before: only git's last line was kept, which for dubious ownership says nothing."""
    message = (
        b"fatal: detected dubious ownership in repository at '/srv/r'\n"
        b"To add an exception for this directory, call:\n\n"
        b"\tgit config --global --add safe.directory /srv/r\n"
    )
    error = pat_git._failure(("rev-parse", "--git-common-dir"), message, 128)
    assert "detected dubious ownership in repository at '/srv/r'" in str(error)
    assert "git config --global --add safe.directory /srv/r" in str(error)
    assert "if you trust it" in str(error)
    long = pat_git._failure(("log",), b"".join(b"line %d\n" % n for n in range(100)), 1)
    assert "line 0" in str(long) and "(88 more lines)" in str(long) and "line 99" not in str(long)


def _blob(repo: Path, text: str) -> str:
    return (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=repo,
            input=text.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )


def test_one_blob_reader_serves_batch_after_batch(repo: Path) -> None:
    first, second = _blob(repo, "one\n"), _blob(repo, "two\n" * 40_000)  # past a pipe's buffer
    reader = pat_git.BlobReader(repo)
    try:
        assert [r[3] for r in reader.read([first, second])] == [b"one\n", b"two\n" * 40_000]
        assert [(r[0], r[3]) for r in reader.read([second, first], max_size=10)] == [
            (second, None),  # too large: read past, not kept
            (first, b"one\n"),
        ]
        reader.finish()
    finally:
        reader.close()


def test_a_missing_object_is_an_error_and_closes_the_reader(repo: Path) -> None:
    present = _blob(repo, "here\n")
    reader = pat_git.BlobReader(repo)
    with pytest.raises(GitError, match="missing"):
        list(reader.read([present, "0" * 40]))
    with pytest.raises(GitError):  # closed with the batch it could not finish
        list(reader.read([present]))


def test_history_blobs_lists_what_rev_list_does_and_says_when_git_is_done(repo: Path) -> None:
    """rev-list writes to a file read as it grows (git ends without waiting for the scan): what
    it lists, in its order, and `listed` called once, after git has ended."""
    names = [f"dir/file {n}.txt" for n in range(3000)]
    (repo / "dir").mkdir()
    for n, name in enumerate(names):
        (repo / name).write_text(f"content {n}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "many files")
    calls: list[int] = []
    listing = pat_git.history_blobs(repo, ["--all"], repo / ".git", lambda: calls.append(1))
    first = next(listing)
    listed = [first, *listing]
    assert calls == [1]
    expected = git(repo, "rev-list", "--objects", "--filter=object:type=blob", "--all").stdout
    lines = expected.splitlines()
    assert listed == [(line[:40], line[41:]) for line in lines]  # 120 KB: several reads
    assert sorted(path for _, path in listed if path) == sorted(names)
    with pytest.raises(GitError, match="git rev-list failed"):
        list(pat_git.history_blobs(repo, ["no-such-branch"]))
