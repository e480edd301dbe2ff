"""The cache directory: checked reads, atomic writes, a bounded number of entries, and nothing
but its own files ever written or deleted."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pat_scan import cache
from tests.helpers import git, token


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAT_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pat-scan"


def test_round_trip_and_corruption(folder: Path) -> None:
    cache.write_bytes("entry.db", b"payload")
    assert cache.read_bytes("entry.db") == b"payload"
    (folder / "entry.db").write_bytes(b"\0" * 32 + b"payload")
    assert cache.read_bytes("entry.db") is None


def test_writes_keep_only_the_newest_entries(folder: Path) -> None:
    for n in range(cache.KEEP + 10):
        cache.write_bytes(f"old-{n}.db", b"x")
        os.utime(folder / f"old-{n}.db", (n, n))  # oldest first
    cache.write_bytes("fresh.db", b"y")
    names = {path.name for path in folder.iterdir()}
    assert len(names) == cache.KEEP
    assert "fresh.db" in names and "old-0.db" not in names
    assert f"old-{cache.KEEP + 9}.db" in names


def pat_scan(repo: Path, *args: str, env: dict[str, str], limit: int | None = None) -> int:
    """Run the real CLI in `repo` with exactly the cache variables of `env` (the session's
    PAT_SCAN_CACHE_DIR and XDG_CACHE_HOME are dropped), under a file size limit if given: a
    write beyond it fails as on a full disk (EFBIG)."""
    dropped = ("PAT_SCAN_CACHE_DIR", "XDG_CACHE_HOME")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    setup = "import sys\n"
    if limit is not None:
        setup += (
            "import resource, signal\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        )
    setup += "from pat_scan.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    fast = ["--only-rule", "github-pat-classic"]  # one rule: a cold cache compiles in a blink
    completed = subprocess.run(
        [sys.executable, "-c", setup, *args, *fast],
        cwd=repo,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode


def fallback_in(tmp: Path) -> Path:
    return tmp / f"pat-scan-{os.getuid()}"


@pytest.fixture
def staged(repo: Path) -> Path:
    (repo / "app.py").write_text(f"TOKEN = '{token()}'\n")
    git(repo, "add", "app.py")
    return repo


def test_cleanup_never_deletes_files_it_did_not_create(staged: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    mine = [shared / f"notes-{n}.json" for n in range(100)]  # entry-shaped names, all the user's
    for path in mine:
        path.write_text("keep me")
    (shared / "pat-scan").mkdir()
    theirs = shared / "pat-scan" / "README"  # in pat-scan's folder, but not an entry's name
    theirs.write_text("keep me too")
    assert pat_scan(staged, "scan", ".", env={"PAT_SCAN_CACHE_DIR": str(shared)}) == 1
    assert all(path.read_text() == "keep me" for path in mine)
    assert theirs.read_text() == "keep me too"
    assert list((shared / "pat-scan").glob("rules-*.json"))  # the cache itself works


def test_prune_deletes_only_entry_names(folder: Path) -> None:
    folder.mkdir(parents=True)
    foreign = [folder / name for name in ("photo.jpg", "Rules-A.json", ".tmp-other", "x.db.bak")]
    for path in foreign:
        path.write_text("user data")
    os.symlink(folder / "photo.jpg", folder / "link-1.db")
    for n in range(cache.KEEP + 5):
        cache.write_bytes(f"old-{n}.db", b"x")
    assert all(path.exists() for path in foreign)
    assert (folder / "link-1.db").is_symlink()
    assert len(list(folder.glob("old-*.db"))) == cache.KEEP


def test_an_empty_home_uses_the_private_temporary_folder(staged: Path, tmp_path: Path) -> None:
    """HOME="" once made the cache /.cache/pat-scan (and a relative HOME, one in the repo)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    root_cache_existed = Path("/.cache/pat-scan").exists()
    for home in ("", "relative-home"):
        assert pat_scan(staged, "scan", ".", env={"HOME": home, "TMPDIR": str(tmp)}) == 1
    assert list(fallback_in(tmp).glob("rules-*.json"))
    assert oct(fallback_in(tmp).stat().st_mode & 0o777) == oct(0o700)
    assert not (staged / "relative-home").exists()
    assert Path("/.cache/pat-scan").exists() == root_cache_existed


def test_a_full_disk_leaves_no_temporary_files(staged: Path, tmp_path: Path) -> None:
    shared, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    env = {"PAT_SCAN_CACHE_DIR": str(shared), "TMPDIR": str(tmp)}
    assert pat_scan(staged, "scan", ".", env=env, limit=16 * 1024) == 1  # still scans
    folders = (shared / "pat-scan", fallback_in(tmp))
    assert all(folder.is_dir() for folder in folders)  # both were tried
    assert not [p.name for folder in folders for p in folder.iterdir() if p.name.startswith(".")]


def test_an_unwritable_cache_falls_back_and_is_reused(staged: Path, tmp_path: Path) -> None:
    """A cache directory that cannot be written used to cost every hook run the whole rule
    compilation (2 s instead of 0.1 s): entries now go to the private temporary folder, and
    the next run reads them there instead of compiling again."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"PAT_SCAN_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(tmp)}
    assert pat_scan(staged, "hook", env=env) == 1
    written = {p.name: p.stat().st_mtime_ns for p in fallback_in(tmp).iterdir()}
    assert any(name.startswith("hs-") for name in written) or any(
        name.startswith("rules-") for name in written
    )
    assert pat_scan(staged, "hook", env=env) == 1
    assert {p.name: p.stat().st_mtime_ns for p in fallback_in(tmp).iterdir()} == written


def test_a_fallback_folder_others_can_write_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("PAT_SCAN_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    planted = fallback_in(tmp_path)
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)
    cache.write_bytes("planted-1.json", b"{}")
    assert not list(planted.iterdir())
    (planted / "planted-2.json").write_bytes(hashlib.sha256(b"{}").digest() + b"{}")
    assert cache.read_bytes("planted-2.json") is None
