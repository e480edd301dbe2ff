"""`pat-scan scan` on real repositories and directories, including every kind of bad input."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import bad_token, git, refuse_to_open, run_process, token


def test_finds_a_token_and_exits_1(repo: Path, cli: Any) -> None:
    secret = token()
    (repo / "settings.py").write_text(f'GITHUB_TOKEN = "{secret}"\n')
    result = cli("scan", cwd=repo)
    assert result.code == 1
    assert "settings.py:1:17: github-pat-classic" in result.out
    assert secret not in result.out + result.err
    assert "Revoke" in result.out
    assert "pat-scan: allow" in result.out
    assert "1 secret(s) found" in result.out


def test_clean_tree_exits_0_with_a_short_summary(repo: Path, cli: Any) -> None:
    (repo / "main.py").write_text("print('hello')\n")
    result = cli("scan", cwd=repo)
    assert result.code == 0
    assert result.out.strip() == "pat-scan: no secrets found; 1 file scanned (15 B)"


def test_git_tree_scans_tracked_and_untracked_but_not_ignored(repo: Path, cli: Any) -> None:
    (repo / ".gitignore").write_text("ignored.env\n")
    (repo / "tracked.py").write_text(f"a = '{token(seed=1)}'\n")
    git(repo, "add", "tracked.py", ".gitignore")
    (repo / "untracked.py").write_text(f"b = '{token(seed=2)}'\n")
    (repo / "ignored.env").write_text(f"c = '{token(seed=3)}'\n")
    paths = {f["path"] for f in cli("scan", "--format", "json", cwd=repo).json()["findings"]}
    assert paths == {"tracked.py", "untracked.py"}
    no_git = cli("scan", "--no-git", "--format", "json", cwd=repo).json()["findings"]
    assert {f["path"] for f in no_git} == {"tracked.py", "untracked.py", "ignored.env"}


def test_paths_are_relative_to_the_current_directory(repo: Path, cli: Any) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "deep.py").write_text(f"a = '{token()}'\n")
    result = cli("scan", "sub", "--format", "json", cwd=repo)
    assert [f["path"] for f in result.json()["findings"]] == ["sub/deep.py"]


def test_stdin(tmp_path: Path) -> None:
    result = run_process("scan", "-", cwd=tmp_path, stdin=f"x = {token()}\n")
    assert result.code == 1
    assert "-:1:5: github-pat-classic" in result.out


def test_redact_none_shows_the_secret_only_when_asked(repo: Path, cli: Any) -> None:
    secret = token()
    (repo / "a.py").write_text(f"t = '{secret}'\n")
    assert secret not in cli("scan", cwd=repo).out
    assert secret in cli("scan", "--redact", "none", cwd=repo).out


def test_failed_checksum_is_low_confidence_and_does_not_fail(repo: Path, cli: Any) -> None:
    (repo / "fixture.py").write_text(f"t = '{bad_token()}'\n")
    default = cli("scan", "--format", "json", cwd=repo)
    assert default.code == 0
    assert [f["confidence"] for f in default.json()["findings"]] == ["low"]
    assert cli("scan", "--min-confidence", "low", cwd=repo).code == 1


def test_fail_on_severity(repo: Path, cli: Any) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'\n")  # critical
    assert cli("scan", "--fail-on", "critical", cwd=repo).code == 1
    (repo / "a.py").write_text("password = 'Zq8#vL2!mP9@xR4$'\n")  # generic: medium
    assert cli("scan", "--fail-on", "high", cwd=repo).code == 0
    assert cli("scan", cwd=repo).code == 1


def test_placeholders_and_documented_examples_are_not_reported(repo: Path, cli: Any) -> None:
    docs_token = "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
    (repo / "README.md").write_text(
        f"Use a token like {docs_token}.\n"
        "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE\n"
        'password = "changeme"\napi_key = "${API_KEY}"\ntoken = os.environ["TOKEN"]\n'
        "token: <token>\nsecret = 'your-api-key'\npassword = 'xxxxxxxxxxxxxxxx'\n"
    )
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.json()["findings"] == [], result.out
    reasons = {s["reason"] for s in result.json()["suppressed"]}
    assert "example key" in reasons


def test_only_and_disable_rule(repo: Path, cli: Any) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'\n")
    assert cli("scan", "--disable-rule", "github-pat-classic", cwd=repo).code == 0
    assert cli("scan", "--only-rule", "github-pat-classic", cwd=repo).code == 1
    unknown = cli("scan", "--only-rule", "nope", cwd=repo)
    assert unknown.code == 2
    assert "unknown rule id 'nope'" in unknown.err


def test_text_in_any_encoding_and_files_over_the_limit_are_scanned(repo: Path, cli: Any) -> None:
    """Before: latin-1 and UTF-16 files were skipped as 'not UTF-8' and 'binary', and files
    over --max-file-size as 'too large', with their tokens unseen."""
    import codecs

    (repo / "image.png").write_bytes(b"\x89PNG\0\0" + token().encode())
    (repo / "latin1.txt").write_bytes(b"caf\xe9 = '" + token(seed=1).encode() + b"'\n")
    utf16 = f"t = '{token(seed=2)}'\n".encode("utf-16-le")
    (repo / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + utf16)
    (repo / "utf16-no-bom.txt").write_bytes(f"u = '{token(seed=5)}'\n".encode("utf-16-be"))
    (repo / "big.txt").write_text("x" * 2048 + f"\n  t = '{token(seed=3)}'\n")
    (repo / "real.py").write_text(f"t = '{token(seed=4)}'\n")
    result = cli("scan", "--max-file-size", "1KB", "--format", "json", cwd=repo)
    stats = result.json()["stats"]
    assert stats["skipped"] == {"binary": 1}  # a compiled binary stays skipped, and counted
    assert stats["files_scanned"] == 5
    found = {f["path"]: (f["line"], f["column"]) for f in result.json()["findings"]}
    assert found == {
        "latin1.txt": (1, 9),
        "utf16.txt": (1, 6),
        "utf16-no-bom.txt": (1, 6),
        "big.txt": (2, 8),
        "real.py": (1, 6),
    }
    assert result.code == 1
    text = cli("scan", "--max-file-size", "1KB", cwd=repo).out
    assert "skipped: 1 binary" in text


def test_unreadable_file_is_counted(repo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = repo / "locked.txt"
    locked.write_text("secret")
    refuse_to_open(monkeypatch, locked.name)
    result = cli("scan", "--format", "json", cwd=repo)
    assert result.json()["stats"]["skipped"] == {"unreadable": 1}
    # Before: exit 0, "no secrets found". A file that could not be read was not checked.
    assert result.code == 3
    assert result.json()["stats"]["unscanned"] == {"locked.txt": "unreadable"}
    assert result.json()["complete"] is False
    assert "locked.txt: unreadable" in result.err and "--allow-unscanned" in result.err
    assert cli("scan", "--allow-unscanned", cwd=repo).code == 0


def test_unreadable_directory_entry_is_counted(tmp_path: Path, cli: Any) -> None:
    # A dangling or looping symlink cannot be read as a file: counted, never followed.
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "out").symlink_to("/etc/hostname")
    result = cli("scan", "--no-git", "--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert result.json()["stats"]["skipped"] == {"symlink": 2}


def test_a_single_5mb_line(repo: Path, cli: Any) -> None:
    (repo / "min.js").write_text("a" * 5_000_000 + f" '{token()}' " + "b" * 1000)
    result = cli("scan", "--format", "json", cwd=repo)
    (finding,) = result.json()["findings"]
    assert finding["line"] == 1
    assert finding["column"] == 5_000_003


def test_nonexistent_path_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    result = cli("scan", "does-not-exist", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == "pat-scan: error: does-not-exist: no such file or directory"


def test_unknown_option_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    assert cli("scan", "--no-such-option", cwd=tmp_path).code == 2


def test_output_file(repo: Path, cli: Any, tmp_path: Path) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'\n")
    report = tmp_path / "report.json"
    result = cli("scan", "--format", "json", "--output", str(report), cwd=repo)
    assert result.code == 1
    assert result.out == ""
    assert '"github-pat-classic"' in report.read_text()


def test_colour_only_when_asked_and_never_with_no_color(repo: Path, tmp_path: Path) -> None:
    (repo / "a.py").write_text(f"t = '{token()}'\n")
    assert "\033[" not in run_process("scan", cwd=repo).out  # not a TTY
    assert "\033[" in run_process("scan", "--color", "always", cwd=repo).out
    plain = run_process("scan", cwd=repo, env={"NO_COLOR": "1"})
    assert "\033[" not in plain.out


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    result = run_process("--version", cwd=tmp_path)
    assert result.code == 0
    assert result.out.startswith("pat-scan ")


def test_multiline_private_key(repo: Path, cli: Any) -> None:
    key = token("private_key", "")
    (repo / "id_rsa").write_text("# deploy key\n" + key + "\n")
    result = cli("scan", "--format", "json", cwd=repo)
    findings = result.json()["findings"]
    assert findings, result.out
    assert findings[0]["line"] == 2
    assert key.splitlines()[1] not in result.out


def test_interrupt_exits_130(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pat_scan", "scan", "-"],
        stdin=subprocess.PIPE,  # never written: the scan waits for input
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        text=True,
    )
    time.sleep(2)  # well past start-up: it is now blocked reading standard input
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "pat-scan: interrupted"


def test_large_trees_scan_in_parallel_with_the_same_result(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, pool_sizes: list[int]
) -> None:
    from benchmarks.corpus import write_tree
    from pat_scan import parallel, scan

    monkeypatch.setattr(parallel, "jobs", lambda: 2)  # a pool even on one processor
    corpus = write_tree(tmp_path / "tree", 6, files=260, seed=11)
    listing = [(str(p), str(p)) for p in sorted((tmp_path / "tree").rglob("*")) if p.is_file()]
    assert scan._first_files(iter(listing))[2]  # else both runs would be in-process: no proof
    parallel_run = cli("scan", "--no-git", "--format", "json", str(tmp_path / "tree"))
    monkeypatch.setattr(scan, "PARALLEL_FILES", 10**9)  # force the in-process path
    serial_run = cli("scan", "--no-git", "--format", "json", str(tmp_path / "tree"))
    assert pool_sizes == [2]  # the first run used a pool of two workers, the second none
    assert parallel_run.out == serial_run.out
    found = parallel_run.json()["findings"]
    assert len(found) >= len(corpus.planted) > 0
    assert parallel_run.json()["stats"]["files_scanned"] == 260


def test_documentation_examples_are_low_confidence_unless_checksummed(repo: Path, cli: Any) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "usage.rst").write_text("password = 'Zq8#vL2!mP9@xR4$'\n")
    (repo / ".env.example").write_text("API_TOKEN=xq7Rt2LmZ9pW4kV8sN3bH6\n")
    (repo / "docs" / "token.md").write_text(f"token: {token()}\n")
    (repo / "app.py").write_text("password = 'Zq8#vL2!mP9@xR4$'\n")
    findings = cli("scan", "--format", "json", cwd=repo).json()["findings"]
    confidence = {f["path"]: f["confidence"] for f in findings}
    assert confidence["docs/usage.rst"] == "low"
    assert confidence["app.py"] == "medium"
    assert confidence["docs/token.md"] == "high"  # a valid checksum: a real token, even in docs
    assert confidence[".env.example"] == "low"


def test_lock_files_hashes_ids_images_fonts_and_minified_code_are_never_flagged(
    repo: Path, cli: Any
) -> None:
    """What real trees are full of: integrity and checksum hashes, UUIDs, commit ids, inline
    images and fonts, minified code. None of it is a credential, at any confidence."""
    import base64
    import hashlib
    import uuid

    rng = random.Random(7)

    def digest(n: int) -> bytes:
        return hashlib.sha512(str(n).encode()).digest()

    def sri(n: int) -> str:
        return "sha512-" + base64.b64encode(digest(n)).decode()

    packages = {
        f"node_modules/pkg-{n}": {
            "version": f"1.{n}.0",
            "resolved": f"https://registry.npmjs.org/pkg-{n}/-/pkg-{n}-1.{n}.0.tgz",
            "integrity": sri(n),
        }
        for n in range(30)
    }
    (repo / "package-lock.json").write_text(json.dumps({"packages": packages}, indent=2))
    (repo / "yarn.lock").write_text(
        "".join(
            f'pkg-{n}@^1.0.0:\n  version "1.{n}.0"\n  resolved "https://registry.yarnpkg.com/'
            f'pkg-{n}/-/pkg-{n}-1.{n}.0.tgz#{digest(n).hex()[:40]}"\n  integrity {sri(n)}\n\n'
            for n in range(30)
        )
    )
    (repo / "poetry.lock").write_text(
        "".join(
            f'[[package]]\nname = "pkg{n}"\nfiles = [\n    {{file = "pkg{n}.whl", '
            f'hash = "sha256:{digest(n).hex()[:64]}"}},\n]\n\n'
            for n in range(30)
        )
    )
    (repo / "go.sum").write_text(
        "".join(
            f"github.com/acme/mod{n} v1.{n}.0 h1:{base64.b64encode(digest(n)[:32]).decode()}\n"
            for n in range(30)
        )
    )
    (repo / "Cargo.lock").write_text(
        "".join(
            f'[[package]]\nname = "crate{n}"\nversion = "0.{n}.1"\n'
            f'checksum = "{digest(n).hex()[:64]}"\n\n'
            for n in range(30)
        )
    )
    ids = "".join(
        f'{{"id": "{uuid.UUID(int=rng.getrandbits(128), version=4)}", '
        f'"commit": "{digest(n).hex()[:40]}", '
        f'"request_id": "{uuid.uuid5(uuid.NAMESPACE_URL, str(n))}"}}\n'
        for n in range(30)
    )
    (repo / "ids.jsonl").write_text(ids)
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000)).decode()
    woff = base64.b64encode(b"wOF2" + rng.randbytes(6000)).decode()
    (repo / "page.html").write_text(
        f'<img src="data:image/png;base64,{png}">\n'
        f"<style>@font-face {{ src: url(data:font/woff2;base64,{woff}) }}</style>\n"
    )
    (repo / "app.min.js").write_text(
        "var t=function(e){this.username=e.username,this.password=e.password,"
        "this.token=e.token||null,this.apiKey=e.apiKey};"
        'var MODULE_TOKEN="__WEBPACK_MODULE_REFERENCE__",r={host:null,password:"",port:null};'
        f'n.exports={{v:"{digest(1).hex()}",k:"{sri(2)}"}};\n'
    )
    result = cli("scan", "--format", "json", "--min-confidence", "low", cwd=repo)
    assert result.json()["findings"] == [], result.out
    assert result.json()["stats"]["files_scanned"] == 8, result.out
