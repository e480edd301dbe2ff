"""The baseline: create, update, prune, import; suppression that survives edits, rebases and
squashes; never rewritten by scans or the hook; no secret, line number, timestamp or commit id."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.helpers import git, run_process, token
from tests.suppress.helpers import BASELINE, write_secret


def test_create_suppresses_and_stores_no_secret(repo: Path, cli: Any) -> None:
    secret = write_secret(repo)
    assert cli("baseline", "create", cwd=repo).code == 0
    text = (repo / BASELINE).read_text()
    document = json.loads(text)
    assert document["version"] == 2
    (entry,) = document["entries"]
    assert set(entry) == {"rule", "fingerprint", "path"}  # no lines, timestamps or commits
    assert entry["path"] == "app.py" and entry["rule"] == "github-pat-classic"
    assert secret not in text and secret[4:20] not in text
    result = cli("scan", "--format", "json", "--show-suppressed", cwd=repo)
    assert result.code == 0
    assert [s["reason"] for s in result.json()["suppressed"]] == ["baseline"]


def test_survives_moved_lines_and_edits_but_not_a_new_file(repo: Path, cli: Any) -> None:
    write_secret(repo)
    cli("baseline", "create", cwd=repo)
    write_secret(repo, before="# a new first line\n\n\n")
    assert cli("scan", cwd=repo).code == 0
    write_secret(repo, name="other.py")
    result = cli("scan", "--format", "json", cwd=repo)
    assert [f["path"] for f in result.json()["findings"]] == ["other.py"]


def test_any_path_entries(repo: Path, cli: Any) -> None:
    write_secret(repo)
    cli("baseline", "create", "--any-path", cwd=repo)
    write_secret(repo, name="copy.py")
    assert cli("scan", cwd=repo).code == 0


def test_create_refuses_to_replace_update_adds_prune_drops(repo: Path, cli: Any) -> None:
    write_secret(repo, seed=1)
    assert cli("baseline", "create", cwd=repo).code == 0
    again = cli("baseline", "create", cwd=repo)
    assert again.code == 2 and "--force" in again.err
    write_secret(repo, name="second.py", seed=2)
    assert "added 1 entry" in cli("baseline", "update", cwd=repo).out
    assert len(json.loads((repo / BASELINE).read_text())["entries"]) == 2
    (repo / "app.py").unlink()
    stale = cli("scan", "--fail-on-stale-baseline", cwd=repo)
    assert stale.code == 1 and "app.py: github-pat-classic" in stale.out
    assert cli("scan", cwd=repo).code == 0  # stale entries alone do not fail by default
    pruned = cli("baseline", "prune", cwd=repo)
    assert "pruned: app.py: github-pat-classic" in pruned.out
    assert [e["path"] for e in json.loads((repo / BASELINE).read_text())["entries"]] == [
        "second.py"
    ]


def test_output_is_sorted_and_deterministic(repo: Path, cli: Any) -> None:
    for seed in (3, 1, 2):
        write_secret(repo, name=f"f{seed}.py", seed=seed)
    cli("baseline", "create", cwd=repo)
    first = (repo / BASELINE).read_bytes()
    cli("baseline", "create", "--force", cwd=repo)
    assert (repo / BASELINE).read_bytes() == first
    entries = json.loads(first)["entries"]
    assert entries == sorted(entries, key=lambda e: (e["rule"], e["fingerprint"], e["path"]))


def test_scans_and_the_hook_never_rewrite_it(repo: Path, cli: Any) -> None:
    write_secret(repo)
    cli("baseline", "create", cwd=repo)
    before = (repo / BASELINE).stat()
    cli("scan", cwd=repo)
    git(repo, "add", ".")
    assert run_process("hook", cwd=repo).code == 0  # baselined: the commit may go ahead
    after = (repo / BASELINE).stat()
    assert (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)


def test_hook_honours_baseline_and_markers_in_real_commits(repo: Path) -> None:
    assert run_process("install-hook", cwd=repo).code == 0
    write_secret(repo)
    assert run_process("baseline", "create", cwd=repo).code == 0
    git(repo, "add", ".")
    assert git(repo, "commit", "-qm", "known", check=False).returncode == 0
    (repo / "new.py").write_text(f"T = '{token(seed=5)}'  # pat-scan: allow\n")
    git(repo, "add", "new.py")
    assert git(repo, "commit", "-qm", "allowed", check=False).returncode == 0
    (repo / "new.py").write_text(f"T = '{token(seed=6)}'\n")
    git(repo, "add", "new.py")
    assert git(repo, "commit", "-qm", "new secret", check=False).returncode != 0


def test_survives_rebase_and_squash(repo: Path, cli: Any) -> None:
    (repo / "readme.txt").write_text("one\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    git(repo, "checkout", "-qb", "feature")
    write_secret(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "two")
    cli("baseline", "create", cwd=repo)
    git(repo, "add", BASELINE)
    git(repo, "commit", "-qm", "baseline")
    git(repo, "reset", "-q", "--soft", "HEAD~2")  # squash the secret and its baseline
    git(repo, "commit", "-qm", "squashed")
    git(repo, "checkout", "-q", "main")
    (repo / "readme.txt").write_text("one\nmain moved on\n")
    git(repo, "commit", "-qam", "main")
    git(repo, "checkout", "-q", "feature")
    git(repo, "rebase", "-q", "main")  # new commit ids for everything on the branch
    assert cli("scan", cwd=repo).code == 0
    # what a push of the rebased branch adds (the pre-push mode) is baselined too
    env = {
        "PRE_COMMIT_FROM_REF": "0" * 40,
        "PRE_COMMIT_TO_REF": git(repo, "rev-parse", "HEAD").stdout.strip(),
    }
    pushed = run_process("hook", "--format", "json", "--show-suppressed", cwd=repo, env=env)
    assert pushed.code == 0, pushed.out
    assert [s["reason"] for s in pushed.json()["suppressed"]] == ["baseline"]


def test_malformed_baseline_is_a_clear_error(repo: Path, cli: Any) -> None:
    (repo / BASELINE).write_text('{"version": 1, "entries": [{"rule": "x"}]}')
    (repo / "a.py").write_text(f"T = '{token()}'\n")
    result = cli("scan", cwd=repo)
    assert result.code == 2
    assert BASELINE in result.err and "'entries'" in result.err
    missing = cli("scan", "--baseline", "nope.json", cwd=repo)
    assert missing.code == 2 and "nope.json" in missing.err


def test_a_version_1_baseline_matches_and_update_migrates_it(repo: Path, cli: Any) -> None:
    """Version 1 fingerprints (a fast hash a dictionary reverses) still match; a scan says once
    how to migrate; `update` converts the entries that match and keeps the others marked until
    `prune` drops them."""
    import hashlib

    def version_1(secret: str) -> str:
        return hashlib.sha256(f"pat-scan\0github-pat-classic\0{secret}".encode()).hexdigest()[:32]

    secret = write_secret(repo)
    entries = [("app.py", version_1(secret)), ("gone.py", version_1(token(seed=5)))]
    old = {
        "version": 1,
        "generated_by": "pat-scan",
        "entries": [
            {"rule": "github-pat-classic", "fingerprint": f, "path": p} for p, f in entries
        ],
    }
    (repo / BASELINE).write_text(json.dumps(old))
    scanned = cli("scan", cwd=repo)
    assert scanned.code == 0
    assert scanned.err.count("version 1 fingerprints") == 1
    assert "pat-scan baseline update" in scanned.err
    git(repo, "add", "app.py")
    hooked = cli("hook", cwd=repo)
    assert hooked.code == 0 and "pat-scan baseline update" in hooked.err
    updated = cli("baseline", "update", cwd=repo)
    assert "converted 1 entry" in updated.out and "1 version 1 entry" in updated.out
    document = json.loads((repo / BASELINE).read_text())
    assert document["version"] == 2
    current = cli("scan", "--format", "json", "--show-suppressed", cwd=repo).json()
    (suppressed,) = current["suppressed"]  # still accepted, by its version 2 entry
    assert current["findings"] == []
    assert sorted(document["entries"], key=lambda e: e["path"]) == [
        {"rule": "github-pat-classic", "fingerprint": suppressed["fingerprint"], "path": "app.py"},
        {
            "rule": "github-pat-classic",
            "fingerprint": entries[1][1],
            "path": "gone.py",
            "version": 1,
        },
    ]
    assert cli("baseline", "prune", cwd=repo).code == 0
    assert [e["path"] for e in json.loads((repo / BASELINE).read_text())["entries"]] == ["app.py"]
    clean = cli("scan", cwd=repo)
    assert clean.code == 0 and "warning" not in clean.err


def test_a_baseline_outside_the_repository_is_never_written(repo: Path, cli: Any) -> None:
    write_secret(repo)
    victim = repo.parent / "victim.txt"
    victim.write_text("the user's file\n")
    (repo / ".pat-scan.yaml").write_text("baseline: ../victim.txt\n")
    for command in (("create", "--force"), ("update",), ("prune",)):
        result = cli("baseline", *command, cwd=repo)
        assert result.code == 2, command
        assert "outside the repository" in result.err or "not a pat-scan baseline" in result.err
    assert victim.read_text() == "the user's file\n"
    (repo / ".pat-scan.yaml").unlink()
    result = cli("baseline", "create", "--baseline", str(victim), "--force", cwd=repo)
    assert result.code == 2 and "outside the repository" in result.err
    assert victim.read_text() == "the user's file\n"


def test_a_symlinked_baseline_is_never_written_through(repo: Path, cli: Any) -> None:
    write_secret(repo)
    victim = repo.parent / "victim.txt"
    victim.write_text("the user's file\n")
    (repo / BASELINE).symlink_to("../victim.txt")
    git(repo, "add", BASELINE)
    git(repo, "commit", "-qm", "a link")
    result = cli("baseline", "create", "--force", cwd=repo)
    assert result.code == 2 and "symlink" in result.err
    assert victim.read_text() == "the user's file\n"
    assert (repo / BASELINE).is_symlink()


def test_baselines_are_replaced_atomically(repo: Path, cli: Any) -> None:
    """A temporary file in the same folder, renamed over the old one: a reader (or a hard link)
    never sees a half-written file, and nothing is left behind."""
    write_secret(repo)
    assert cli("baseline", "create", cwd=repo).code == 0
    before = (repo / BASELINE).read_text()
    snapshot = repo.parent / "snapshot.json"
    os.link(repo / BASELINE, snapshot)  # the old file's inode
    write_secret(repo, name="second.py", seed=2)
    assert cli("baseline", "update", cwd=repo).code == 0
    assert snapshot.read_text() == before  # not rewritten in place
    assert len(json.loads((repo / BASELINE).read_text())["entries"]) == 2
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".pat-scan")) == [BASELINE]
