"""Which repositories a run covers: URLs, local repositories, directories of clones and files
of them; names; filters; URLs with credentials refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pat_scan.errors import UsageError
from pat_scan.fleet import repos
from tests.fleet.helpers import make_repo
from tests.helpers import token


def test_urls_and_their_names() -> None:
    cases = {
        "https://github.com/org/api.git": "github.com/org/api",
        "https://gitlab.example.com/group/sub/project/": "gitlab.example.com/group/sub/project",
        "git@github.com:org/api.git": "github.com/org/api",
        "ssh://git@host:2222/team/tool.git": "host/team/tool",
        "file:///srv/git/mirror.git": "mirror",
        "helper::/srv/git/other": "other",
    }
    for url, name in cases.items():
        assert repos.is_url(url), url
        assert repos.from_url(url) == repos.Repo(url.rstrip("/"), name)
    for path in ("relative/dir", "/abs/dir", "C:\\repo", "name"):
        assert not repos.is_url(path), path


def test_a_url_with_a_password_is_refused_without_repeating_it() -> None:
    secret = token(seed=3)
    with pytest.raises(UsageError) as caught:
        repos.from_url(f"https://user:{secret}@github.com/org/repo.git", "list.txt:4: ")
    message = str(caught.value)
    assert secret not in message
    assert message.startswith("list.txt:4: https://user:***@github.com/org/repo.git")
    assert "environment" in message
    # A user name alone is how git is told whom to ask a credential helper for.
    assert repos.from_url("https://user@host/org/repo").key == "https://user@host/org/repo"


def test_paths_directories_of_clones_and_missing_paths(tmp_path: Path) -> None:
    clones = tmp_path / "clones"
    make_repo(clones / "b", {})
    make_repo(clones / "a", {})
    (clones / "not-a-repo").mkdir()
    bare = tmp_path / "bare.git"
    from tests.helpers import git

    git(tmp_path, "init", "-q", "--bare", str(bare))
    found = repos.from_arguments(["clones", "bare.git", "clones/a", "gone"], tmp_path)
    assert [(r.key, r.name) for r in found] == [
        (str(clones / "a"), "a"),
        (str(clones / "b"), "b"),
        (str(bare), "bare"),
        (str(clones / "a"), "a"),
        (str(tmp_path / "gone"), "gone"),  # kept: its mirror fails and the run says so
    ]
    with pytest.raises(UsageError, match="neither a repository nor a directory of clones"):
        repos.from_arguments(["clones/not-a-repo"], tmp_path)


def test_a_file_of_repositories(tmp_path: Path) -> None:
    make_repo(tmp_path / "lists" / "local", {})
    listed = tmp_path / "lists" / "repos.txt"
    listed.write_text("# our services\n\nhttps://github.com/org/api.git\n  local  \n")
    found = repos.from_file(str(listed))
    assert [r.name for r in found] == ["github.com/org/api", "local"]
    assert found[1].key == str(tmp_path / "lists" / "local")  # relative to the file's folder
    listed.write_text(f"https://ci:{token(seed=4)}@github.com/org/api.git\n")
    with pytest.raises(UsageError, match=r"repos\.txt:1: "):
        repos.from_file(str(listed))
    with pytest.raises(UsageError, match="cannot read the repository list"):
        repos.from_file(str(tmp_path / "missing.txt"))


def test_selection_filters_deduplicates_and_keeps_names_apart() -> None:
    listed = [
        repos.Repo("https://github.com/org/api.git", "org/api"),
        repos.Repo("https://github.com/org/api.git", "org/api"),  # listed twice
        repos.Repo("https://github.com/org/web.git", "org/web"),
        repos.Repo("https://github.com/org/legacy-api.git", "org/legacy-api"),
        repos.Repo("/srv/a/tool", "tool"),
        repos.Repo("/srv/b/tool", "tool"),
    ]
    kept = repos.selected(listed, include=["org/*", "tool"], exclude=["org/legacy-*"])
    assert [r.name for r in kept] == ["org/api", "org/web", "a/tool", "b/tool"]
    assert repos.selected(listed, [], ["*"]) == []
    twins = [repos.from_url("https://h/org/api.git"), repos.from_url("https://h/org/api")]
    names = [r.name for r in repos.selected(twins, [], [])]
    assert names[0].startswith("h/org/api~") and names[1].startswith("h/org/api~")
    assert names[0] != names[1]
    dot_git = repos.from_arguments(["clone/.git"], Path("/srv"))
    assert dot_git == [repos.Repo("/srv/clone/.git", "clone")]
