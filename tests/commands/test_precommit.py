"""End to end with the real pre-commit framework: the hook is installed from this checkout (its
.pre-commit-hooks.yaml, built into pre-commit's own virtualenv) into temporary repositories, and
driven by real `git commit`, `pre-commit run` and `git push`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, git, token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed snapshot of this checkout as it is now (uncommitted edits included)."""
    snapshot = tmp_path_factory.mktemp("pat-scan-hook-source")
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file() and not name.startswith(("tests/", "benchmarks/")):
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", ".")
    git(snapshot, "commit", "-qm", "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
    )


@pytest.fixture
def project(repo: Path, hook_source: tuple[Path, str], pre_commit_home: Path) -> Path:
    source, rev = hook_source
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {source}\n  rev: {rev}\n  hooks:\n  - id: pat-scan\n"
    )
    installed = pre_commit(
        repo, pre_commit_home, "install", "--install-hooks", "-t", "pre-commit", "-t", "pre-push"
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(repo, "add", ".pre-commit-config.yaml")
    return repo


def commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`git commit`; its hooks' output goes to stderr, so both streams come back in stdout."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        ["git", "commit", "-m", "change", *args],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        env=env,
    )


def test_commit_modes(project: Path, pre_commit_home: Path) -> None:
    home = pre_commit_home
    (project / "app.py").write_text("print('hello')\n")
    git(project, "add", "app.py")
    first = commit(project, home)  # the first commit: no HEAD yet
    assert first.returncode == 0, first.stdout  # stderr is folded into stdout
    assert "pat-scan (credentials)" in first.stdout and "Passed" in first.stdout

    secret = token()
    (project / "app.py").write_text(f"print('hello')\nTOKEN = '{secret}'\n")
    git(project, "add", "app.py")
    blocked = commit(project, home)
    assert blocked.returncode != 0
    assert "Failed" in blocked.stdout
    assert "app.py:2:10: github-pat-classic" in blocked.stdout
    assert "github.com/settings/tokens" in blocked.stdout
    assert secret not in blocked.stdout

    git(project, "reset", "-q", "app.py")
    every = commit(project, home, "-a")  # -a: the temporary index
    assert every.returncode != 0 and "app.py:2:10: github-pat-classic" in every.stdout
    (project / "other.py").write_text("x = 1\n")
    git(project, "add", "other.py")
    assert commit(project, home, "other.py").returncode == 0  # only other.py is committed
    named = commit(project, home, "app.py")
    assert named.returncode != 0 and "app.py:2:10: github-pat-classic" in named.stdout


def test_run_all_files_and_files_scan_whole_files(project: Path, pre_commit_home: Path) -> None:
    home = pre_commit_home
    (project / "old.py").write_text(f"TOKEN = '{token()}'\n")
    (project / "clean.py").write_text("x = 1\n")
    git(project, "add", ".")
    assert commit(project, home, "--no-verify").returncode == 0  # the secret slipped in earlier

    everything = pre_commit(project, home, "run", "--all-files")
    assert everything.returncode != 0
    assert "old.py:1:10: github-pat-classic" in everything.stdout
    named = pre_commit(project, home, "run", "--files", "old.py")
    assert named.returncode != 0 and "old.py:1:10" in named.stdout
    clean = pre_commit(project, home, "run", "--files", "clean.py")
    assert clean.returncode == 0 and "Passed" in clean.stdout


def test_merge_commit(project: Path, pre_commit_home: Path) -> None:
    home = pre_commit_home
    (project / "a.py").write_text("base\n")
    git(project, "add", ".")
    assert commit(project, home).returncode == 0
    git(project, "checkout", "-qb", "side")
    (project / "a.py").write_text("side\n")
    assert commit(project, home, "-a").returncode == 0
    git(project, "checkout", "-q", "main")
    (project / "a.py").write_text("main\n")
    assert commit(project, home, "-a").returncode == 0
    assert git(project, "merge", "side", check=False).returncode != 0
    (project / "a.py").write_text(f"merged = '{token()}'\n")
    git(project, "add", "a.py")
    blocked = commit(project, home, "--no-edit")
    assert blocked.returncode != 0 and "a.py:1:11: github-pat-classic" in blocked.stdout
    (project / "a.py").write_text("merged\n")
    git(project, "add", "a.py")
    merged = commit(project, home, "--no-edit")
    assert merged.returncode == 0, merged.stdout
    assert len(git(project, "log", "-1", "--format=%P").stdout.split()) == 2


def pusher(
    project: Path, home: Path, remote: Path
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`push(*args)`: `git push -q origin ARGS` to a new bare `remote`, hooks from `home`."""
    git(remote.parent, "init", "-q", "--bare", str(remote))
    git(project, "remote", "add", "origin", str(remote))
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}

    def push(*args: str) -> subprocess.CompletedProcess[str]:
        run = ["git", "push", "-q", "origin", *args]
        return subprocess.run(run, cwd=project, capture_output=True, text=True, env=env)

    return push


def test_pre_push(project: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    home = pre_commit_home
    push = pusher(project, home, tmp_path / "remote.git")

    (project / "a.py").write_text("clean\n")
    git(project, "add", ".")
    assert commit(project, home).returncode == 0
    first = push("main")  # a new branch on the remote: the from-ref is all zeros
    assert first.returncode == 0, first.stdout  # stderr is folded into stdout

    (project / "a.py").write_text(f"clean\nT = '{token()}'\n")
    assert commit(project, home, "-a", "--no-verify").returncode == 0
    (project / "a.py").write_text("clean\n")  # removed again, but still in the pushed history
    assert commit(project, home, "-a").returncode == 0
    blocked = push("main")
    assert blocked.returncode != 0
    assert "a.py:2:6: github-pat-classic" in blocked.stdout + blocked.stderr

    git(project, "checkout", "-qb", "feature")
    git(project, "reset", "-q", "--hard", "origin/main")
    (project / "b.py").write_text("fine\n")
    git(project, "add", "b.py")
    assert commit(project, home).returncode == 0
    new_branch = push("feature")
    assert new_branch.returncode == 0, new_branch.stdout + new_branch.stderr


def test_pre_merge_commit_checks_what_a_clean_merge_brings(
    project: Path, pre_commit_home: Path
) -> None:
    """Before: a clean merge ran no hook at all (git runs pre-merge-commit for it, which was
    neither declared nor handled), so a token from the merged branch entered unchecked."""
    home = pre_commit_home
    installed = pre_commit(project, home, "install", "-t", "pre-merge-commit")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (project / "a.py").write_text("base\n")
    git(project, "add", ".")
    assert commit(project, home).returncode == 0
    git(project, "checkout", "-qb", "side")
    (project / "b.py").write_text(f"T = '{token(seed=21)}'\n")
    git(project, "add", "b.py")
    assert commit(project, home, "--no-verify").returncode == 0  # it slipped in on a branch
    git(project, "checkout", "-q", "main")
    (project / "c.py").write_text("main\n")
    git(project, "add", "c.py")
    assert commit(project, home).returncode == 0
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    merge = subprocess.run(
        ["git", "merge", "--no-edit", "side"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        env=env,
    )
    assert merge.returncode != 0
    assert "b.py:1:6: github-pat-classic" in merge.stdout
    assert len(git(project, "log", "-1", "--format=%P").stdout.split()) == 1  # no merge made


def test_pre_push_checks_what_a_merge_resolution_adds(
    project: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """Before: pre-push scanned with `git log --no-merges`, so a conflict resolution that
    added a token (committed with --no-verify) was pushed with "Passed"."""
    home = pre_commit_home
    push = pusher(project, home, tmp_path / "remote.git")

    (project / "a.py").write_text("base\n")
    git(project, "add", ".")
    assert commit(project, home).returncode == 0
    git(project, "checkout", "-qb", "side")
    (project / "a.py").write_text("side\n")
    (project / "old.py").write_text(f"OLD = '{token(seed=31)}'\n")
    git(project, "add", ".")
    assert commit(project, home, "--no-verify").returncode == 0
    assert push("--no-verify", "main", "side").returncode == 0  # both already on the remote
    git(project, "checkout", "-q", "main")
    (project / "a.py").write_text("main\n")
    assert commit(project, home, "-a").returncode == 0
    assert git(project, "merge", "side", check=False).returncode != 0  # a conflict in a.py
    (project / "a.py").write_text(f"resolved = '{token(seed=32)}'\n")
    git(project, "add", "a.py")
    assert commit(project, home, "--no-edit", "--no-verify").returncode == 0
    blocked = push("main")
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr
    assert "a.py:1:13: github-pat-classic" in output
    assert "old.py" not in output  # what the merged branch already held is not the merge's
    # Before: "remove it from the file and `git add`", and `pat-scan baseline create`, which
    # records nothing of a commit. The commits are not on the remote: rewrite them.
    merge = git(project, "rev-parse", "HEAD").stdout.strip()
    assert f"git rebase -i {merge[:12]}~1" in output and "git commit --amend -a" in output
    assert "baseline create" not in output and "git add" not in output
