"""The hook under real `git commit`, through the native hook `pat-scan install-hook` writes.

The end-to-end tests with the pre-commit framework are in test_precommit.py; these cover every
kind of change a commit can carry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, refuse_to_open, run_process, token, try_commit


def test_blocks_a_secret_and_says_what_to_do(hooked: Path) -> None:
    secret = token()
    (hooked / "app.py").write_text(f"import os\nTOKEN = '{secret}'\n")
    git(hooked, "add", "app.py")
    ok, output = try_commit(hooked)
    assert not ok
    assert "app.py:2:10: github-pat-classic" in output
    assert "github.com/settings/tokens" in output  # where to revoke
    assert "environment" in output and "pat-scan: allow" in output
    assert secret not in output
    assert git(hooked, "rev-list", "--all").stdout == ""  # nothing was committed


def test_passes_clean_commit_with_a_short_message(hooked: Path) -> None:
    (hooked / "app.py").write_text("print('hi')\n")
    git(hooked, "add", "app.py")
    result = run_process("hook", cwd=hooked)
    assert result.code == 0
    assert result.out.strip().startswith("pat-scan: no secrets found; 1 file scanned")
    assert try_commit(hooked)[0]


def test_excluded_staged_files_are_counted_and_build_no_engine(
    hooked: Path, tmp_path: Path
) -> None:
    (hooked / ".pat-scan.yaml").write_text("exclude: [fixtures/**]\n")
    (hooked / "fixtures").mkdir()
    (hooked / "fixtures" / "keys.py").write_text(f"TOKEN = '{token()}'\n")
    git(hooked, "add", "fixtures/keys.py")
    cache = tmp_path / "fresh-cache"
    result = run_process("hook", cwd=hooked, env={"PAT_SCAN_CACHE_DIR": str(cache)})
    assert result.code == 0, result.err
    assert "skipped: 1 excluded" in result.out
    built = {p.name.split("-")[0] for p in (cache / "pat-scan").iterdir()}
    assert "exclude" in built  # this cache was the one in use
    assert not built & {"rules", "hs"}  # no rules loaded, no database built


def test_a_large_commit_read_in_batches_finds_what_each_file_adds(hooked: Path) -> None:
    """Blobs are read a batch of changes at a time while the patch is parsed: the same blob at
    paths in different batches, excluded files among them and a file passed by pre-commit that
    has no staged change are all still accounted for, in order."""
    (hooked / ".pat-scan.yaml").write_text("exclude: [skip/**]\n")
    shared = f"TOKEN = '{token(seed=3)}'\n"
    names = [f"m{index:03}.py" for index in range(300)]
    for index, name in enumerate(names):
        (hooked / name).write_text(shared if index in (5, 200) else f"value = {index}\n")
    (hooked / "skip").mkdir()
    (hooked / "skip" / "k.py").write_text(shared)
    (hooked / "last.py").write_text(f"x = 1\nT = '{token(seed=4)}'\n")
    (hooked / "unstaged.py").write_text(f"U = '{token(seed=5)}'\n")
    git(hooked, "add", *names, "skip/k.py", "last.py")
    passed = [*names, "skip/k.py", "last.py", "unstaged.py"]
    index = {"GIT_INDEX_FILE": str(hooked / ".git" / "index")}  # as git runs its hooks
    result = run_process("hook", "--format", "json", *passed, cwd=hooked, env=index)
    report = result.json()
    assert result.code == 1, result.err
    found = [(f["path"], f["line"]) for f in report["findings"]]
    assert found == [("last.py", 2), ("m005.py", 1), ("m200.py", 1), ("unstaged.py", 1)]
    assert report["stats"]["files_scanned"] == 302
    assert report["stats"]["skipped"] == {"excluded": 1}


def test_the_hook_imports_no_process_pool(hooked: Path) -> None:
    """A commit is scanned in the hook's own process: multiprocessing (~20 ms to import) is
    left to the tree and history scans that may start a pool."""
    (hooked / "app.py").write_text("print('hi')\n")
    git(hooked, "add", "app.py")
    probe = (
        "import sys; from pat_scan import cli; code = cli.main(['hook']);"
        "print(code, 'multiprocessing' in sys.modules, 'pat_scan.engine' in sys.modules)"
    )
    index = {**os.environ, "GIT_INDEX_FILE": str(hooked / ".git" / "index")}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=hooked, env=index, capture_output=True, text=True
    )
    assert out.stdout.split()[-3:] == ["0", "False", "True"], out.stderr


def test_an_empty_staged_file_is_not_read_from_the_work_tree(hooked: Path) -> None:
    """Before: a new empty file's patch names it on no +++ line, so the hook took it for a
    passed file without a staged change and scanned the work tree's copy, which here holds a
    token the commit does not."""
    (hooked / "empty.py").write_text("")
    git(hooked, "add", "empty.py")
    (hooked / "empty.py").write_text(f"TOKEN = '{token()}'\n")  # not staged
    index = {"GIT_INDEX_FILE": str(hooked / ".git" / "index")}
    result = run_process("hook", "--format", "json", "empty.py", cwd=hooked, env=index)
    assert result.code == 0, result.out
    assert result.json()["findings"] == [] and result.json()["stats"]["files_scanned"] == 0


def test_secret_already_in_head_does_not_block_unrelated_edit(hooked: Path) -> None:
    (hooked / "app.py").write_text(f"TOKEN = '{token()}'\n")
    git(hooked, "add", "app.py")
    assert try_commit(hooked, "--no-verify")[0]
    (hooked / "app.py").write_text(f"TOKEN = '{token()}'\nDEBUG = True\n")
    assert try_commit(hooked, "-a")[0]
    (hooked / "app.py").write_text(f"TOKEN = '{token()}'\nDEBUG = True\nT2 = '{token(seed=9)}'\n")
    ok, output = try_commit(hooked, "-a")
    assert not ok
    assert "app.py:3:7" in output


def test_staged_content_not_the_work_tree(hooked: Path) -> None:
    (hooked / "app.py").write_text(f"TOKEN = '{token()}'\n")
    git(hooked, "add", "app.py")
    (hooked / "app.py").write_text("TOKEN = os.environ['TOKEN']\n")  # fixed, but not staged
    ok, output = try_commit(hooked)
    assert not ok and "app.py:1:10: github-pat-classic" in output
    (hooked / "other.py").write_text("x = 1\n")
    git(hooked, "add", "other.py")
    git(hooked, "reset", "-q", "app.py")
    (hooked / "app.py").write_text(f"TOKEN = '{token()}'\n")  # unstaged secret: not committed
    assert try_commit(hooked)[0]


def test_commit_paths_uses_the_temporary_index(hooked: Path) -> None:
    (hooked / "clean.py").write_text("a = 1\n")
    (hooked / "dirty.py").write_text("b = 1\n")
    git(hooked, "add", ".")
    assert try_commit(hooked)[0]
    (hooked / "clean.py").write_text("a = 2\n")
    (hooked / "dirty.py").write_text(f"b = '{token()}'\n")
    assert try_commit(hooked, "clean.py")[0]  # only clean.py is committed
    ok, output = try_commit(hooked, "dirty.py")
    assert not ok and "dirty.py:1:6" in output


def test_multiline_private_key_crlf_and_unusual_names(hooked: Path) -> None:
    key = token("private_key", "")
    name = "keys dir/d\u00e9ploy\nkey.pem"
    (hooked / "keys dir").mkdir()
    (hooked / name).write_bytes(("# key\r\n" + key.replace("\n", "\r\n") + "\r\n").encode())
    git(hooked, "add", ".")
    ok, output = try_commit(hooked)
    assert not ok
    assert "private" in output.lower()
    assert key.splitlines()[2] not in output


def test_renames_deletions_binary_and_submodules(hooked: Path, tmp_path: Path) -> None:
    (hooked / "old.py").write_text(f"T = '{token()}'\n")
    (hooked / "gone.py").write_text(f"T = '{token(seed=2)}'\n")
    git(hooked, "add", ".")
    assert try_commit(hooked, "--no-verify")[0]
    git(hooked, "mv", "old.py", "new.py")
    git(hooked, "rm", "-q", "gone.py")
    (hooked / "blob.bin").write_bytes(b"\0\1\2" + token(seed=3).encode())
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q")
    (sub / "s.txt").write_text("s\n")
    git(sub, "add", ".")
    git(sub, "commit", "-qm", "s")
    git(hooked, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor")
    git(hooked, "add", ".")
    result = run_process("hook", "--format", "json", cwd=hooked)
    assert result.code == 0, result.out  # a pure rename adds no line; deletions add nothing
    assert result.json()["stats"]["skipped"] == {"binary": 1}
    assert try_commit(hooked)[0]


def test_merge_commit(hooked: Path) -> None:
    (hooked / "a.py").write_text("base\n")
    git(hooked, "add", ".")
    assert try_commit(hooked)[0]
    git(hooked, "checkout", "-qb", "side")
    (hooked / "a.py").write_text("side\n")
    assert try_commit(hooked, "-a")[0]
    git(hooked, "checkout", "-q", "main")
    (hooked / "a.py").write_text("main\n")
    assert try_commit(hooked, "-a")[0]
    assert git(hooked, "merge", "side", check=False).returncode != 0  # a conflict
    (hooked / "a.py").write_text(f"resolved = '{token()}'\n")
    git(hooked, "add", "a.py")
    ok, output = try_commit(hooked)
    assert not ok and "a.py:1:13" in output
    (hooked / "a.py").write_text("resolved\n")
    git(hooked, "add", "a.py")
    assert try_commit(hooked)[0]


def test_fails_closed_on_a_broken_index(hooked: Path) -> None:
    (hooked / "a.py").write_text("x = 1\n")
    git(hooked, "add", "a.py")
    (hooked / ".git" / "index").write_bytes(b"DIRC garbage")
    result = run_process("hook", cwd=hooked)
    assert result.code == 3
    assert result.err.startswith("pat-scan: error: git diff failed")


def test_outside_a_repository_fails_closed(tmp_path: Path) -> None:
    result = run_process("hook", cwd=tmp_path)
    assert result.code == 3 and "not inside a git work tree" in result.err


def test_text_in_other_encodings_and_large_files_block_the_commit(hooked: Path) -> None:
    """Before: a latin-1 file was skipped as "not UTF-8", a UTF-16 file as binary, and a file
    over the size limit as "too large": each passed the hook with its token."""
    import codecs

    (hooked / ".pat-scan.yaml").write_text("max-file-size: 1KB\n")
    (hooked / "latin1.txt").write_bytes(b"caf\xe9 = '" + token(seed=1).encode() + b"'\n")
    utf16 = codecs.BOM_UTF16_LE + f"t = '{token(seed=2)}'\n".encode("utf-16-le")
    (hooked / "utf16.txt").write_bytes(utf16)
    (hooked / "big.txt").write_text("x = 1\n" * 1000 + f"t = '{token(seed=3)}'\n")
    (hooked / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200))
    git(hooked, "add", ".")
    ok, output = try_commit(hooked)
    assert not ok
    assert "latin1.txt:1:9: github-pat-classic" in output
    assert "utf16.txt:1:6: github-pat-classic" in output
    assert "big.txt:1001:6: github-pat-classic" in output
    assert "skipped: 1 binary" in output


def test_a_utf16_change_reports_only_what_it_adds(hooked: Path) -> None:
    """Git diffs UTF-16 as binary (no added lines): findings its old version held are old."""
    import codecs

    old, new = token(seed=4), token(seed=5)
    path = hooked / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + f"a = '{old}'\n".encode("utf-16-le"))
    git(hooked, "add", ".")
    assert try_commit(hooked, "--no-verify")[0]
    path.write_bytes(codecs.BOM_UTF16_LE + f"a = '{old}'\nb = '{new}'\n".encode("utf-16-le"))
    git(hooked, "add", ".")
    result = run_process("hook", "--format", "json", cwd=hooked)
    assert [f["line"] for f in result.json()["findings"]] == [2]


def test_a_file_the_hook_cannot_read_stops_the_commit(
    repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `pat-scan hook FILE` with an unreadable FILE said "Passed" (exit 0)."""
    locked = repo / "locked.txt"
    locked.write_text(f"t = '{token()}'\n")
    refuse_to_open(monkeypatch, locked.name)
    result = cli("hook", "locked.txt", cwd=repo)
    assert result.code == 3
    assert "locked.txt: unreadable" in result.err and "commit is stopped" in result.err


def test_a_staged_file_only_partly_checked_stops_the_commit(
    repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pat_scan.engine import matcher

    monkeypatch.setattr(matcher, "MAX_FAILED", 100)
    (repo / "dense.txt").write_text("password=" * 50_000)
    git(repo, "add", "dense.txt")
    result = cli("hook", cwd=repo)
    assert result.code == 3
    assert "dense.txt: partly checked" in result.err and "generic-password" in result.err
    assert cli("hook", "--allow-unscanned", cwd=repo).code == 0


def test_only_the_lines_a_commit_adds_are_judged(
    repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settings file already holding more password lines than a file's judged limit, with
    one line added: before, every line was judged again and the file was only partly checked
    (the commit stopped, exit 3); now the added line alone is judged, and blocks."""
    from pat_scan.engine import judge

    old = "".join(f"password = 'Vq{n:04}xLm'\n" for n in range(600))
    (repo / "settings.py").write_text(old)
    git(repo, "add", "settings.py")
    git(repo, "commit", "-qm", "settings", "--no-verify")
    (repo / "settings.py").write_text(old + "db_password = 'Zr8#kq2LmW!v4Tn'\n")
    git(repo, "add", "settings.py")
    judged = []
    real = judge.judge
    monkeypatch.setattr(judge, "judge", lambda candidate: judged.append(1) or real(candidate))
    result = cli("hook", "--format", "json", cwd=repo)
    assert result.code == 1, result.err
    assert [f["line"] for f in result.json()["findings"]] == [601]
    assert len(judged) <= 2  # the added line, by each generic rule that proposes it
