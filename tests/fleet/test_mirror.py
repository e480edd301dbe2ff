"""The mirror cache: every ref mirrored and kept up to date, shallow and partial clones refused
with their reason, failures named (auth, not found), tokens only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from pat_scan import git as git_calls
from pat_scan.fleet import mirror
from pat_scan.fleet.mirror import MirrorFailure
from pat_scan.fleet.repos import Auth, Repo
from tests.fleet.helpers import GitHttp, make_repo
from tests.helpers import commit_files, git, token


def update(repo: Repo, cache: Path) -> tuple[Path, list[str]]:
    stages: list[str] = []
    path = mirror.location(cache, repo)
    with mirror.locked(path):
        mirror.update(repo, path, stages.append)
    return path, stages


def test_every_ref_is_mirrored_then_fetched_as_it_moves(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "src", {}, side={"s.py": "x"})
    git(source, "tag", "v1")
    repo = Repo(str(source), "src")
    path, stages = update(repo, tmp_path / "cache")
    assert stages == ["clone"]
    assert path.parent == tmp_path / "cache" / "mirrors" and path.name.startswith("src-")
    assert git_calls.refs(path) == git_calls.refs(source)
    commit_files(source, {"new.py": "y = 2\n"}, "new")
    git(source, "branch", "-q", "-D", "side")
    _, stages = update(repo, tmp_path / "cache")
    assert stages == ["fetch"]
    assert git_calls.refs(path) == git_calls.refs(source)  # moved, and the deleted one pruned
    assert not list(path.parent.glob("*.tmp-*"))


def test_a_broken_mirror_is_cloned_again(tmp_path: Path) -> None:
    repo = Repo(str(make_repo(tmp_path / "src", {})), "src")
    path, _ = update(repo, tmp_path / "cache")
    for item in (path / "objects").iterdir():
        if item.is_dir():
            for loose in item.iterdir():
                loose.unlink()
    (path / "config").write_text("not git's\n")
    _, stages = update(repo, tmp_path / "cache")
    assert stages == ["clone"]
    assert git_calls.refs(path) == git_calls.refs(Path(repo.key))


def test_shallow_and_partial_clones_are_refused_with_their_reason(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "src", {})
    git(source, "config", "uploadpack.allowFilter", "true")
    url = f"file://{source}"
    git(tmp_path, "clone", "-q", "--depth", "1", url, "shallow")
    git(tmp_path, "clone", "-q", "--filter=blob:none", url, "partial")
    cache = tmp_path / "cache"
    for name, reason in (("shallow", "shallow clone"), ("partial", "partial clone")):
        with pytest.raises(MirrorFailure) as caught:
            update(Repo(str(tmp_path / name), name), cache)
        assert caught.value.reason == reason
        assert "would" in caught.value.detail and "full clone" in caught.value.detail
    # Through a URL the source cannot be looked at; the mirror it gives is shallow, and refused.
    with pytest.raises(MirrorFailure) as caught:
        update(Repo(f"file://{tmp_path / 'shallow'}", "shallow-url"), cache)
    assert caught.value.reason == "shallow clone"
    assert "the mirror is a shallow clone" in caught.value.detail


def test_not_found(tmp_path: Path, git_server: GitHttp) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(MirrorFailure) as caught:
        update(Repo(str(tmp_path / "gone"), "gone"), cache)
    assert caught.value.reason == "not found"
    with pytest.raises(MirrorFailure) as caught:
        update(Repo(f"{git_server.url}/missing.git", "missing"), cache)
    assert caught.value.reason == "not found"
    left = [p.name for p in (cache / "mirrors").iterdir() if not p.name.endswith(".lock")]
    assert left == []  # no half-made mirror


def test_authentication_by_a_token_from_the_environment(
    tmp_path: Path, served: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = token(seed=51)
    work = make_repo(tmp_path / "work", {})
    git(tmp_path, "clone", "-q", "--bare", str(work), str(served / "private.git"))
    cache = tmp_path / "cache"
    with GitHttp(served, token=secret) as server:
        url = f"{server.url}/private.git"
        auth = Auth("PAT_SCAN_TEST_TOKEN", "x-access-token", f"{server.url}/")
        monkeypatch.delenv("PAT_SCAN_TEST_TOKEN", raising=False)
        with pytest.raises(MirrorFailure) as caught:  # no prompt: it fails at once
            update(Repo(url, "private", auth), cache)
        assert caught.value.reason == "auth"
        monkeypatch.setenv("PAT_SCAN_TEST_TOKEN", token(seed=52))
        with pytest.raises(MirrorFailure) as caught:
            update(Repo(url, "private", auth), cache)
        assert caught.value.reason == "auth"
        monkeypatch.setenv("PAT_SCAN_TEST_TOKEN", secret)
        path, stages = update(Repo(url, "private", auth), cache)
        assert stages == ["clone"] and git_calls.refs(path) == git_calls.refs(work)
        _, stages = update(Repo(url, "private", auth), cache)
        assert stages == ["fetch"]
        # Sent to that host only: another prefix gets no header, so the server refuses.
        elsewhere = auth._replace(prefix="http://elsewhere.invalid/")
        with pytest.raises(MirrorFailure):
            update(Repo(url, "private", elsewhere), tmp_path / "other-cache")
    for item in cache.rglob("*"):
        if item.is_file():
            assert secret.encode() not in item.read_bytes(), item


def test_git_messages_are_named() -> None:
    cases = {
        "git fetch failed: fatal: Authentication failed for 'https://h/r.git/'": "auth",
        "git clone failed: fatal: could not read Username for 'https://h': terminal prompts "
        "disabled": "auth",
        "git clone failed: remote: Repository not found.": "not found",
        "git clone failed: fatal: '/x' does not appear to be a git repository": "not found",
        "git cat-file failed: fatal: missing blob object 'abc'": "missing objects",
        "git clone failed: fatal: unable to access 'https://h/': Could not resolve host: h": (
            "network"
        ),
        "git clone failed: exit status 128": "git error",
    }
    for message, reason in cases.items():
        assert mirror.cause(message) == reason, message
