"""The mirror cache: each repository as a bare mirror of every ref (`git clone --mirror`), updated
with `git fetch --prune` on the next run. Shallow and partial clones are refused: the objects they
lack would be secrets never scanned. Each machine (each Dask worker) keeps its own cache."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from pat_scan import git
from pat_scan.errors import GitError
from pat_scan.fleet.repos import Auth, Repo, is_url, short_hash, slug

# What git's last line of stderr says, mapped to why a repository could not be mirrored.
_CAUSES = (
    ("auth", ("authentication failed", "could not read username", "could not read password",
              "terminal prompts disabled", "permission denied", "access denied",
              "returned error: 401", "returned error: 403", "invalid credentials")),
    ("not found", ("not found", "does not appear to be a git repository", "does not exist",
                   "not a git repository", "returned error: 404", "no such file")),
    ("missing objects", ("missing", "bad object", "did not receive expected object",
                         "unable to read", "corrupt", "broken link", "invalid object")),
    ("network", ("could not resolve", "connection refused", "failed to connect", "timed out",
                 "early eof", "rpc failed", "unable to access", "connection reset",
                 "remote end hung up")),
)  # fmt: skip


class MirrorFailure(Exception):
    """The repository could not be mirrored completely: `reason` says why, in a word or two."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pat-scan-fleet"


def location(cache_dir: Path, repo: Repo) -> Path:
    folder = cache_dir / "mirrors"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{slug(repo.name)}-{short_hash(repo.key)}.git"


def update(repo: Repo, path: Path, stage: Callable[[str], None]) -> None:
    """Clone the repository's mirror at `path` or bring it up to date (`stage` is told which),
    under `locked(path)`; a repository that cannot be mirrored completely raises MirrorFailure."""
    env = environment(repo.auth)
    if not is_url(repo.key):
        _check_source(Path(repo.key))
    try:
        if _usable(path):
            stage("fetch")
            git.fetch_mirror(path, env)
        else:
            stage("clone")
            _clone(repo.key, path, env)
    except GitError as exc:
        raise MirrorFailure(cause(str(exc)), str(exc)) from None
    _check_complete(path, "the mirror")


def cause(message: str) -> str:
    lowered = message.lower()
    for reason, phrases in _CAUSES:
        if any(phrase in lowered for phrase in phrases):
            return reason
    return "git error"


def environment(auth: Auth | None) -> dict[str, str]:
    """This process's environment for git, never prompting (a prompt would hang the run). With
    `auth` and its variable set, the token goes to that host only, as an HTTP header given
    through git's environment configuration: not on a command line, not in the mirror."""
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    token = os.environ.get(auth.variable) if auth else None
    if auth and token:
        count = int(env.get("GIT_CONFIG_COUNT") or 0)
        basic = base64.b64encode(f"{auth.username}:{token}".encode()).decode()
        env[f"GIT_CONFIG_KEY_{count}"] = f"http.{auth.prefix}.extraHeader"
        env[f"GIT_CONFIG_VALUE_{count}"] = f"Authorization: Basic {basic}"
        env["GIT_CONFIG_COUNT"] = str(count + 1)
    return env


def _check_source(source: Path) -> None:
    """A local repository is checked before it is copied: a copy of a shallow or partial clone
    would lack what it lacks (or fetch it from the network)."""
    if not source.exists():
        raise MirrorFailure("not found", f"{source}: no such directory")
    _check_complete(source, str(source))


def _check_complete(repository: Path, what: str) -> None:
    try:
        shallow = git.is_shallow(repository)
        promisors = git.promisor_remotes(repository)
    except GitError as exc:
        raise MirrorFailure(cause(str(exc)), str(exc)) from None
    if shallow:
        raise MirrorFailure(
            "shallow clone",
            f"{what} is a shallow clone: commits before its cut-off are missing, and so would "
            "be their secrets; give a full clone or its URL",
        )
    if promisors:
        raise MirrorFailure(
            "partial clone",
            f"{what} is a partial clone (objects left to {', '.join(promisors)}): the blobs it "
            "lacks would never be scanned; give a full clone or its URL",
        )


def _usable(path: Path) -> bool:
    """A mirror made by an earlier run that git can still open."""
    if not (path / "HEAD").is_file():
        return False
    try:
        git.run(("rev-parse", "--git-dir"), cwd=path)
    except GitError:
        return False
    return True


def _clone(source: str, path: Path, env: dict[str, str]) -> None:
    """Clone next to `path`, then rename: a clone stopped half-way never looks like a mirror."""
    for leftover in (path, *path.parent.glob(f"{path.name}.tmp-*")):
        if leftover.exists():  # a broken mirror, or a clone whose process was killed
            shutil.rmtree(leftover)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        git.clone_mirror(source, partial, env)
        partial.rename(path)
    finally:
        if partial.exists():
            shutil.rmtree(partial)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One process at a time updates and scans a mirror (workers on one machine may share a
    cache, and its history store takes one writer)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, one process per cache
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
