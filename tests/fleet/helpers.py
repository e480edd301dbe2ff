"""What the fleet tests share: generated repositories, real HTTP servers on 127.0.0.1 (git's
smart HTTP through `git http-backend`, and the GitHub and GitLab listing APIs as their
documentation describes paging and rate limits), a git transport that kills the worker running
it, and the fleet command as a real process."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpers import Run, commit_files, git, run_process, token


def make_repo(path: Path, secrets: dict[str, str], side: dict[str, str] | None = None) -> Path:
    """A repository with a few commits: `secrets` (file -> secret) on main, `side` on a branch
    that is never merged."""
    path.mkdir(parents=True)
    git(path, "init", "-q")
    commit_files(path, {"README.md": f"# {path.name}\n", "app.py": "print('hello')\n"}, "init")
    for name, secret in secrets.items():
        commit_files(path, {name: f"TOKEN = '{secret}'\n"}, f"add {name}")
    commit_files(path, {"app.py": "print('hello, world')\n"}, "edit")
    if side:
        git(path, "checkout", "-q", "-b", "side")
        for name, secret in side.items():
            commit_files(path, {name: f"KEY = '{secret}'\n"}, f"side {name}")
        git(path, "checkout", "-q", "-")
    return path


def fleet_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    return run_process("fleet", *args, cwd=cwd, env=env)


def report(run: Run) -> dict[str, Any]:
    assert run.out, run.err
    document: dict[str, Any] = run.json()
    return document


def by_repository(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for entry in document["repositories"]:
        assert entry["name"] not in entries, f"{entry['name']} reported twice"
        entries[entry["name"]] = entry
    return entries


def secret_files(inventory: Path) -> Iterator[Path]:
    """The inventory and whatever SQLite keeps beside it."""
    for suffix in ("", "-wal", "-journal", "-shm"):
        path = inventory.with_name(inventory.name + suffix)
        if path.exists():
            yield path


def assert_nothing_holds(paths: Iterator[Path], secrets: list[str]) -> None:
    for path in paths:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{path} holds a secret"
            assert secret[6:].encode() not in data, f"{path} holds most of a secret"


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.requests: list[tuple[float, str, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class GitHttp(Server):
    """Repositories under `root` over git's smart HTTP (`git http-backend`, as a web server
    runs it), optionally behind Basic authentication with a token; `/hang/...` accepts the
    connection and never answers (a clone that hangs)."""

    def __init__(self, root: Path, token: str | None = None, username: str = "x-access-token"):
        super().__init__(_GitHandler)
        self.root = root
        self.expected = None
        if token:
            self.expected = "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()
        self.release = threading.Event()

    def stop(self) -> None:
        self.release.set()
        super().stop()


class _GitHandler(BaseHTTPRequestHandler):
    server: GitHttp

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.requests.append((time.time(), path, dict(self.headers)))
        if path.startswith("/hang/"):
            self.server.release.wait()
            return
        if self.server.expected and self.headers.get("Authorization") != self.server.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            "PATH": os.environ["PATH"],
            "GIT_PROJECT_ROOT": str(self.server.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": os.environ.get("HOME", "/"),
            "GATEWAY_INTERFACE": "CGI/1.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "REMOTE_ADDR": "127.0.0.1",
        }
        output = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
        ).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = 200
        headers = []
        for line in lines:
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Providers(Server):
    """GitHub's REST API (organisation and user repositories; `/api/v3` too, as GitHub
    Enterprise Server serves it) and GitLab's (a group's projects), paged as documented:
    GitHub by `Link` headers, GitLab by `X-Next-Page` (and `Link` unless `gitlab_links` is
    off); rate-limit headers on every response, and the limits answered as documented once
    each: GitHub's primary limit (403, `x-ratelimit-remaining: 0`, `x-ratelimit-reset`), its
    secondary limit (429 with `retry-after`), GitLab's (429 with `Retry-After` and
    `RateLimit-Reset`)."""

    def __init__(self, github_token: str | None = None, gitlab_token: str | None = None) -> None:
        super().__init__(_ProviderHandler)
        self.github: dict[str, list[dict[str, Any]]] = {}  # "orgs/NAME" or "users/NAME"
        self.gitlab: dict[str, list[dict[str, Any]]] = {}  # group path
        self.github_token = github_token
        self.gitlab_token = gitlab_token
        self.gitlab_links = True
        self.limits: dict[str, int] = {}  # "primary", "secondary", "gitlab": answer on call N
        self.calls = 0
        self.limited: list[tuple[str, float, float]] = []  # (kind, when, until)

    def github_repos(
        self, owner: str, count: int, kind: str = "orgs", clones: str | None = None
    ) -> list[dict[str, Any]]:
        """`count` repositories, every tenth archived (3) or a fork (5), cloned from `clones`."""
        repos = [
            {
                "full_name": f"{owner}/repo-{n:03d}",
                "clone_url": f"{clones or self.url + '/git'}/{owner}/repo-{n:03d}.git",
                "archived": n % 10 == 3,
                "fork": n % 10 == 5,
                "private": n % 2 == 0,
                "owner": {"login": owner},
            }
            for n in range(count)
        ]
        self.github[f"{kind}/{owner}"] = repos
        return repos

    def gitlab_projects(self, group: str, count: int) -> list[dict[str, Any]]:
        projects: list[dict[str, Any]] = []
        for n in range(count):
            project: dict[str, Any] = {
                "id": 1000 + n,
                "path_with_namespace": f"{group}/sub-{n % 3}/project-{n:03d}",
                "http_url_to_repo": f"{self.url}/git/{group}/project-{n:03d}.git",
                "archived": n % 10 == 3,
                "repository_access_level": "disabled" if n % 10 == 7 else "enabled",
            }
            if n % 10 == 5:
                project["forked_from_project"] = {"id": 1}
            projects.append(project)
        self.gitlab[group] = projects
        return projects


class _ProviderHandler(BaseHTTPRequestHandler):
    server: Providers

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server = self.server
        server.calls += 1
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        server.requests.append((time.time(), self.path, dict(self.headers)))
        path = parts.path.removeprefix("/api/v3")
        if path.startswith("/api/v4/groups/"):
            self._gitlab(path, query)
        elif path.startswith(("/orgs/", "/users/")):
            self._github(path, query)
        else:
            self._json(404, {"message": "Not Found"}, {})

    def _github(self, path: str, query: dict[str, str]) -> None:
        server = self.server
        now = time.time()
        limit = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-used": str(server.calls),
            "x-ratelimit-remaining": str(5000 - server.calls),
            "x-ratelimit-reset": str(int(now) + 3600),
            "x-ratelimit-resource": "core",
        }
        if server.github_token and self.headers.get("Authorization") != (
            f"Bearer {server.github_token}"
        ):
            self._json(401, {"message": "Bad credentials"}, limit)
            return
        if server.limits.get("primary") == server.calls:
            reset = int(now) + 1
            server.limited.append(("primary", now, reset))
            limit.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
            self._json(403, {"message": "API rate limit exceeded for user."}, limit)
            return
        if server.limits.get("secondary") == server.calls:
            server.limited.append(("secondary", now, now + 1))
            message = "You have exceeded a secondary rate limit. Please wait a few minutes."
            self._json(429, {"message": message}, {**limit, "retry-after": "1"})
            return
        key = path.strip("/").removesuffix("/repos")
        if key not in server.github:
            self._json(404, {"message": "Not Found"}, limit)
            return
        items, links = self._page(server.github[key], path, query)
        self._json(200, items, {**limit, **({"Link": links} if links else {})})

    def _gitlab(self, path: str, query: dict[str, str]) -> None:
        server = self.server
        now = time.time()
        limit = {
            "RateLimit-Limit": "2000",
            "RateLimit-Observed": str(server.calls),
            "RateLimit-Remaining": str(2000 - server.calls),
            "RateLimit-Reset": str(int(now) + 60),
        }
        if server.gitlab_token and self.headers.get("PRIVATE-TOKEN") != server.gitlab_token:
            self._json(401, {"message": "401 Unauthorized"}, limit)
            return
        if server.limits.get("gitlab") == server.calls:
            server.limited.append(("gitlab", now, now + 1))
            limit.update({"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(now) + 1)})
            self._json(429, {"message": "Retry later"}, {**limit, "Retry-After": "1"})
            return
        from urllib.parse import unquote

        group = unquote(path.removeprefix("/api/v4/groups/").removesuffix("/projects"))
        if group not in server.gitlab:
            self._json(404, {"message": "404 Group Not Found"}, limit)
            return
        projects = server.gitlab[group]
        if query.get("archived") == "false":
            projects = [p for p in projects if not p["archived"]]
        items, links = self._page(projects, path, query)
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 20))
        pages = max((len(projects) + per_page - 1) // per_page, 1)
        paging = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
            "X-Total": str(len(projects)),
            "X-Total-Pages": str(pages),
        }
        if links and server.gitlab_links:
            paging["Link"] = links
        self._json(200, items, {**limit, **paging})

    def _page(
        self, items: list[dict[str, Any]], path: str, query: dict[str, str]
    ) -> tuple[list[dict[str, Any]], str]:
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 30))
        pages = max((len(items) + per_page - 1) // per_page, 1)
        base = self.path.split("?", 1)[0]

        def link(number: int, rel: str) -> str:
            others = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
            return f'<{self.server.url}{base}?{others}&page={number}>; rel="{rel}"'

        links = []
        if page < pages:
            links += [link(page + 1, "next"), link(pages, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return items[(page - 1) * per_page : page * per_page], ", ".join(links)

    def _json(self, status: int, body: Any, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


# ---------------------------------------------------------------------------------------------
# A repository that kills its worker
# ---------------------------------------------------------------------------------------------

KILLER_SCHEME = "patscankill"

_KILLER = '''#!{python}
"""git-remote-{scheme}: a git transport that kills the worker cloning through it: the Dask
worker process above pat-scan's scanning child, or (no Dask worker) that child itself."""
import os, signal, sys, time

def parent(pid):
    with open(f"/proc/{{pid}}/stat") as handle:
        return int(handle.read().rpartition(")")[2].split()[1])

def command(pid):
    with open(f"/proc/{{pid}}/cmdline", "rb") as handle:
        return handle.read().replace(b"\\0", b" ").decode(errors="replace")

pid = os.getpid()
while pid > 1 and "pat_scan.fleet.child" not in command(pid):
    pid = parent(pid)
if pid > 1:
    worker = parent(pid)
    victim, kind = (worker, "worker") if "spawn_main" in command(worker) else (pid, "child")
    with open(os.environ["PAT_SCAN_TEST_KILLS"], "a") as log:
        log.write(f"{{victim}} {{kind}}\\n")
    os.kill(victim, signal.SIGKILL)
time.sleep(30)
sys.exit(1)
'''


def _install_transport(folder: Path, scheme: str, script: str) -> None:
    """git runs `git-remote-SCHEME` (found on PATH) for a `SCHEME::address` URL."""
    folder.mkdir(parents=True, exist_ok=True)
    helper = folder / f"git-remote-{scheme}"
    helper.write_text(script.format(python=sys.executable, scheme=scheme))
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)


def install_killer(folder: Path, log: Path) -> dict[str, str]:
    """Put `git-remote-patscankill` in `folder`; the environment that puts it on PATH."""
    _install_transport(folder, KILLER_SCHEME, _KILLER)
    return {
        "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
        "PAT_SCAN_TEST_KILLS": str(log),
    }


SLOW_SCHEME = "patscanslow"

_SLOW = '''#!{python}
"""git-remote-{scheme}: git's HTTP transport, but the first clone through it hangs (until its
process group is killed): the repository a test kills the worker of."""
import os, sys, time

mark = os.environ["PAT_SCAN_TEST_SLOW_MARK"]
if os.path.exists(mark):
    os.execvp("git", ["git", "remote-http", *sys.argv[1:]])
open(mark, "w").close()
time.sleep(120)
sys.exit(1)
'''


def install_slow(folder: Path, mark: Path) -> dict[str, str]:
    """Put `git-remote-patscanslow` in `folder` (beside the killer); its environment."""
    _install_transport(folder, SLOW_SCHEME, _SLOW)
    return {"PAT_SCAN_TEST_SLOW_MARK": str(mark)}


def make_fleet(root: Path, count: int, start: int = 200) -> list[str]:
    """`count` repositories under `root`: every third holds a secret on main, every fourth one
    on a side branch only, and the first secret is also in the last repository (one secret, two
    repositories). Returns every secret planted."""
    shared = token(seed=start)
    planted = [shared]
    for n in range(count):
        main, side = {}, {}
        if n % 3 == 0:
            main["settings.py"] = token(seed=start + 1 + n)
        if n % 4 == 1:
            side["deploy/key.py"] = token(seed=start + 101 + n)
        if n == 0 or n == count - 1:
            main["shared.py"] = shared
        planted += [*main.values(), *side.values()]
        make_repo(root / f"repo-{n:02d}", main, side)
    return sorted(set(planted))


def validate_fleet_report(document: dict[str, Any]) -> None:
    """Against fleet-schema.json, its findings against the scan report's schema."""
    import jsonschema
    from referencing import Registry, Resource

    from pat_scan.fleet.report import SCHEMA_FILE
    from pat_scan.reporters.json_report import SCHEMA_FILE as REPORT_SCHEMA

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    findings_schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        findings_schema["$id"], Resource.from_contents(findings_schema)
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, registry=registry).validate(document)


def located(secret: str, path: str, sha: str = "a" * 40) -> Any:
    """A finding as the fleet records it (a `work.Located`), of a GitHub token."""
    from pat_scan.findings import identity, redact
    from pat_scan.fleet.work import Located

    fingerprint = identity("github-pat-classic", secret)
    return Located(
        "github-pat-classic", fingerprint, redact(secret), path, 3, 9, 3, 49, "high", None,
        sha, "Ann", "ann@example.invalid", "2024-05-01T10:00:00+00:00", True, 2, False,
    )  # fmt: skip


def scanned(repo: Any, *found: Any, digest: str = "d1") -> Any:
    """A `work.Outcome` of a scanned repository with these findings."""
    from pat_scan.fleet.work import SCANNED, Outcome

    heads = (("refs/heads/main", "b" * 40),)
    return Outcome(repo.key, SCANNED, heads=heads, digest=digest, findings=found)
