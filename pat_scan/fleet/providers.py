"""Repositories from a provider's listing: a GitHub organisation or user (REST API v3, GitHub
Enterprise Server at https://HOST/api/v3) or a GitLab group and its subgroups (REST API v4,
gitlab.com or self-managed). The token comes from the environment only."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from pat_scan.fleet import listing
from pat_scan.fleet.repos import Auth, Repo
from pat_scan.options import ListingOptions

GITHUB_API = "https://api.github.com"
GITLAB_URL = "https://gitlab.com"
GITHUB_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN")
GITLAB_TOKENS = ("GITLAB_TOKEN",)
PER_PAGE = 100  # the most either API gives in one page


def listed(options: ListingOptions) -> list[Repo]:
    repos: list[Repo] = []
    for org in options.github_orgs:
        repos += github(org, "orgs", options)
    for user in options.github_users:
        repos += github(user, "users", options)
    for group in options.gitlab_groups:
        repos += gitlab(group, options)
    return repos


def github(owner: str, kind: str, options: ListingOptions) -> list[Repo]:
    """The repositories of an organisation (`kind` "orgs") or a user ("users")."""
    api = (options.github_url or GITHUB_API).rstrip("/")
    variable = _token_variable(GITHUB_TOKENS)
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if variable:
        headers["Authorization"] = f"Bearer {os.environ[variable]}"
    url = f"{api}/{kind}/{quote(owner, safe='')}/repos"
    params: dict[str, str | int] = {
        "per_page": PER_PAGE,
        "type": "all" if kind == "orgs" else "owner",
    }
    with listing.client(headers) as session:
        items = _objects(listing.pages(session, url, params, "GitHub"), "full_name", "clone_url")
        found = ((i["full_name"], i["clone_url"], i.get("archived"), i.get("fork")) for i in items)
        return list(_repos(found, options, variable, "x-access-token"))


def gitlab(group: str, options: ListingOptions) -> list[Repo]:
    """The projects of a group and its subgroups (not those merely shared with it)."""
    base = (options.gitlab_url or GITLAB_URL).rstrip("/")
    variable = _token_variable(GITLAB_TOKENS)
    headers = {"PRIVATE-TOKEN": os.environ[variable]} if variable else {}
    url = f"{base}/api/v4/groups/{quote(group, safe='')}/projects"
    params: dict[str, str | int] = {
        "per_page": PER_PAGE,
        "include_subgroups": "true",
        "with_shared": "false",
        "order_by": "id",
        "sort": "asc",
    }
    if options.skip_archived:
        params["archived"] = "false"
    with listing.client(headers) as session:
        pages = listing.pages(session, url, params, "GitLab")
        items = _objects(pages, "path_with_namespace", "http_url_to_repo")
        found = (
            (
                i["path_with_namespace"],
                i["http_url_to_repo"],
                i.get("archived"),
                "forked_from_project" in i,
            )
            for i in items
            if i.get("repository_access_level") != "disabled"  # no repository to scan
        )
        return list(_repos(found, options, variable, "oauth2"))


def _repos(
    items: Iterable[tuple[str, str, Any, Any]],
    options: ListingOptions,
    variable: str | None,
    username: str,
) -> Iterator[Repo]:
    for name, url, archived, fork in items:
        if (options.skip_archived and archived) or (options.skip_forks and fork):
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or parts.password is not None:
            raise listing.ListingError(f"{name}: the listing gave an unexpected clone URL")
        auth = Auth(variable, username, f"{parts.scheme}://{parts.netloc}/") if variable else None
        yield Repo(url, name, auth)


def _objects(items: Iterable[Any], *keys: str) -> Iterator[dict[str, Any]]:
    """The listing's repositories, each an object with these string fields."""
    for item in items:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in keys):
            raise listing.ListingError(f"a listing item lacks one of {', '.join(keys)}")
        yield item


def _token_variable(names: Sequence[str]) -> str | None:
    """The first of `names` set in the environment (the token is read when it is sent)."""
    return next((name for name in names if os.environ.get(name)), None)
