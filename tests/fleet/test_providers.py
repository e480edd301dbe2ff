"""GitHub and GitLab listings against real HTTP servers on 127.0.0.1 that page and rate-limit
as the providers document: every page followed, every limit waited out, the token sent only as
the provider expects and from the environment only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pat_scan.fleet import providers
from pat_scan.fleet.listing import ListingError
from pat_scan.fleet.repos import Auth
from pat_scan.options import ListingOptions
from tests.fleet.helpers import GitHttp, Providers, fleet_process, make_repo, report
from tests.helpers import token


@pytest.fixture
def api() -> Any:
    with Providers(github_token=token(seed=41), gitlab_token=token(seed=42)) as server:
        yield server


def test_github_organisation_every_page_and_both_rate_limits(
    api: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", api.github_token or "")
    monkeypatch.delenv("GH_TOKEN", raising=False)
    listed = api.github_repos("acme", 250)
    api.limits = {"primary": 2, "secondary": 4}  # page 2 is refused twice, in both ways
    options = ListingOptions(github_orgs=("acme",), github_url=api.url)
    found = providers.listed(options)
    assert [r.name for r in found] == [r["full_name"] for r in listed]
    assert {r.key for r in found} == {r["clone_url"] for r in listed}
    assert all(r.auth == Auth("GITHUB_TOKEN", "x-access-token", f"{api.url}/") for r in found)
    times = [when for when, _, _ in api.requests]
    paths = [path for _, path, _ in api.requests]
    assert len(paths) == 5  # three pages, two of them refused once
    assert all("per_page=100" in path and "type=all" in path for path in paths)
    for kind, when, until in api.limited:
        retry = next(t for t in times if t > when)
        assert retry >= until, f"the {kind} limit was not waited out"
    headers = [h for _, _, h in api.requests]
    assert all(h["Authorization"] == f"Bearer {api.github_token}" for h in headers)
    assert all(h["Accept"] == "application/vnd.github+json" for h in headers)

    skipping = options._replace(skip_archived=True, skip_forks=True)
    kept = {r.name for r in providers.listed(skipping)}
    assert len(kept) == 200
    assert not any(name.endswith(("3", "5")) for name in kept)


def test_github_enterprise_user_without_a_token(
    api: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.github_token = None
    for name in providers.GITHUB_TOKENS:
        monkeypatch.delenv(name, raising=False)
    api.github_repos("dev", 3, kind="users")
    found = providers.listed(ListingOptions(github_users=("dev",), github_url=f"{api.url}/api/v3/"))
    assert [r.name for r in found] == ["dev/repo-000", "dev/repo-001", "dev/repo-002"]
    assert all(r.auth is None for r in found)
    _, path, headers = api.requests[0]
    assert path.startswith("/api/v3/users/dev/repos?") and "type=owner" in path
    assert "Authorization" not in headers


def test_github_refusals_say_what_failed_never_the_token(
    api: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = token(seed=43)
    monkeypatch.setenv("GITHUB_TOKEN", wrong)
    api.github_repos("acme", 1)
    with pytest.raises(ListingError, match="authentication failed") as caught:
        providers.listed(ListingOptions(github_orgs=("acme",), github_url=api.url))
    assert wrong not in str(caught.value)
    monkeypatch.setenv("GITHUB_TOKEN", api.github_token or "")
    with pytest.raises(ListingError, match=r"orgs/nobody/repos: not found"):
        providers.listed(ListingOptions(github_orgs=("nobody",), github_url=api.url))


def test_gitlab_group_pages_by_x_next_page_and_waits_out_its_limit(
    api: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", api.gitlab_token or "")
    api.gitlab_links = False  # only X-Next-Page says there is more
    listed = api.gitlab_projects("platform/backend", 230)
    api.limits = {"gitlab": 2}
    options = ListingOptions(gitlab_groups=("platform/backend",), gitlab_url=api.url)
    found = providers.listed(options)
    with_repository = [p for p in listed if p["repository_access_level"] != "disabled"]
    assert [r.name for r in found] == [p["path_with_namespace"] for p in with_repository]
    assert all(r.auth == Auth("GITLAB_TOKEN", "oauth2", f"{api.url}/") for r in found)
    paths = [path for _, path, _ in api.requests]
    assert len(paths) == 4  # three pages, one refused once
    assert all(p.startswith("/api/v4/groups/platform%2Fbackend/projects?") for p in paths)
    assert all("include_subgroups=true" in p and "with_shared=false" in p for p in paths)
    assert all(h["PRIVATE-TOKEN"] == api.gitlab_token for _, _, h in api.requests)
    (_, when, until) = api.limited[0]
    assert next(t for t, _, _ in api.requests if t > when) >= until

    api.requests.clear()
    api.gitlab_links = True
    kept = providers.listed(options._replace(skip_archived=True, skip_forks=True))
    assert all("archived=false" in path for _, path, _ in api.requests)  # asked of the server
    assert len(kept) == len([p for p in with_repository if not p["archived"]]) - 23
    assert not any(r.name.endswith(("3", "5", "7")) for r in kept)


def test_a_listed_organisation_is_cloned_with_the_token_from_the_environment(
    api: Providers, tmp_path: Path
) -> None:
    """End to end: the listing, clones over authenticated HTTP (the token from GITHUB_TOKEN,
    sent as a header git is given through its environment), the scan, and no token anywhere
    it could be read back."""
    served = tmp_path / "served" / "acme"
    secret = token(seed=44)
    for n in range(3):
        work = make_repo(tmp_path / "work" / f"repo-{n:03d}", {"conf.py": secret} if n else {})
        from tests.helpers import git

        git(tmp_path, "clone", "-q", "--bare", str(work), str(served / f"repo-{n:03d}.git"))
    clone_token = api.github_token or ""
    with GitHttp(tmp_path / "served", token=clone_token) as git_server:
        api.github_repos("acme", 3, clones=git_server.url)
        cache, inventory = tmp_path / "cache", tmp_path / "inventory.sqlite"
        args = ["--github-org", "acme", "--github-url", api.url, "--cache-dir", str(cache)]
        args += ["--inventory", str(inventory), "--format", "json"]
        without = fleet_process(*args, cwd=tmp_path, env={"GITHUB_TOKEN": "", "GH_TOKEN": ""})
        assert without.code == 3, without.err  # the API refuses an anonymous listing
        assert "authentication failed" in without.err
        ran = fleet_process(*args, cwd=tmp_path, env={"GITHUB_TOKEN": clone_token})
        assert ran.code == 1, ran.err
        document = report(ran)
        assert [r["outcome"] for r in document["repositories"]] == ["scanned"] * 3
        assert sum(len(r["findings"]) for r in document["repositories"]) == 2
        assert document["secrets"][0]["repositories"] == 2
        requests = [h for _, path, h in git_server.requests if "info/refs" in path]
        assert requests and all("Authorization" in h for h in requests)
    for path in [*cache.rglob("*"), inventory]:
        if path.is_file():
            assert clone_token.encode() not in path.read_bytes(), path
    assert clone_token not in ran.out + ran.err
