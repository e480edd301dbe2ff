"""Which repositories a fleet run covers: URLs and paths from the command line or a file (one a
line), directories of clones, and provider listings; filtered by name, each once."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from pat_scan.errors import UsageError


class Auth(NamedTuple):
    """Where a clone finds its token: the name of an environment variable, never the token, so
    that no token crosses to a worker, reaches git's command line or lands in a mirror."""

    variable: str  # GITHUB_TOKEN, GITLAB_TOKEN, ...: read by the process that clones
    username: str  # what the provider expects beside a token over HTTPS
    prefix: str  # scheme://host/ the token may be sent to (not to a redirect elsewhere)


class Repo(NamedTuple):
    key: str  # where it is: a URL or an absolute path; the inventory's key
    name: str  # how it is shown: org/repo, host/path or a directory's name
    auth: Auth | None = None


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP = re.compile(r"^(?:[^@/:]+@)?[^/:]{2,}:(?!//)")  # git@host:org/repo (not C:\ or a path)


def is_url(text: str) -> bool:
    return bool(_SCHEME.match(text) or _SCP.match(text))


def from_url(url: str, where: str = "") -> Repo:
    """A repository at a URL; one that carries a password or token is refused: it would show in
    process lists, logs and the mirror's configuration."""
    url = url.rstrip("/")
    transport, separator, address = url.partition("::")
    if (
        separator and transport.isalnum()
    ):  # <transport>::<address>, served by git-remote-<transport>
        return Repo(url, from_url(address, where).name if is_url(address) else Path(address).name)
    if _SCHEME.match(url):
        parts = urlsplit(url)
        if parts.password is not None:
            raise UsageError(
                f"{where}{_without_password(url)}: credentials in a URL are refused; give the "
                "token in the environment (GITHUB_TOKEN, GITLAB_TOKEN) or a git credential helper"
            )
        host = parts.hostname or ""
        path = parts.path
    else:
        host, _, path = url.partition(":")
        host = host.rpartition("@")[2]
    path = path.strip("/").removesuffix(".git")
    name = f"{host}/{path}" if host else Path(path).name
    return Repo(url, name or url)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{netloc}").geturl()


def is_repository(path: Path) -> bool:
    """A work tree (`.git` directory or file) or a bare repository."""
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def from_path(text: str, base: Path) -> list[Repo]:
    """A repository, or each repository directly inside a directory of clones. A path that does
    not exist is kept: its mirror fails, and the run says so (it does not pass unscanned)."""
    path = Path(os.path.abspath(base / text))
    if path.is_dir() and not is_repository(path):
        clones = sorted(p for p in path.iterdir() if p.is_dir() and is_repository(p))
        if not clones:
            raise UsageError(f"{text}: neither a repository nor a directory of clones")
        return [Repo(str(p), _path_name(p)) for p in clones]
    return [Repo(str(path), _path_name(path))]


def _path_name(path: Path) -> str:
    """A repository's directory name, without `.git` (a `.git` directory is named after its
    work tree)."""
    return path.parent.name if path.name == ".git" else path.name.removesuffix(".git")


def from_arguments(items: Iterable[str], base: Path, where: str = "") -> list[Repo]:
    repos: list[Repo] = []
    for item in items:
        if is_url(item) and not (base / item).exists():
            repos.append(from_url(item, where))
        else:
            repos.extend(from_path(item, base))
    return repos


def from_file(path: str) -> list[Repo]:
    """One URL or path a line; blank lines and `#` comments are skipped, and relative paths are
    relative to the file's folder."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the repository list: {exc}") from None
    repos: list[Repo] = []
    base = Path(path).resolve().parent
    for number, line in enumerate(text.splitlines(), 1):
        item = line.strip()
        if item and not item.startswith("#"):
            repos += from_arguments([item], base, where=f"{path}:{number}: ")
    return repos


def selected(repos: Iterable[Repo], include: Sequence[str], exclude: Sequence[str]) -> list[Repo]:
    """Each repository once (by key, the first kept), whose name matches an `include` glob (if
    any) and no `exclude` glob; names made unique where two repositories share one."""
    kept: dict[str, Repo] = {}
    for repo in repos:
        if repo.key in kept:
            continue
        if include and not any(fnmatch.fnmatchcase(repo.name, g) for g in include):
            continue
        if any(fnmatch.fnmatchcase(repo.name, g) for g in exclude):
            continue
        kept[repo.key] = repo
    return _unique_names(list(kept.values()))


def _unique_names(repos: list[Repo]) -> list[Repo]:
    """Repositories that share a name are told apart by more of their path (`a/tool`,
    `b/tool`), else by a hash of where they are."""
    named = repos
    for depth in (2, 3, 4):
        counts = Counter(repo.name for repo in named)
        if max(counts.values(), default=0) < 2:
            return named
        named = [
            repo._replace(name=_longer_name(repo, depth)) if counts[repo.name] > 1 else repo
            for repo in named
        ]
    counts = Counter(repo.name for repo in named)
    return [
        repo._replace(name=f"{repo.name}~{short_hash(repo.key)}") if counts[repo.name] > 1 else repo
        for repo in named
    ]


def _longer_name(repo: Repo, depth: int) -> str:
    if is_url(repo.key):
        return repo.name
    parts = [part for part in Path(repo.key).parts if part != "/"]
    return "/".join(parts[-depth:])


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def slug(name: str) -> str:
    """`name` as one safe file name component."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "repo"
