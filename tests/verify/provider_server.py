"""Local HTTP(S) servers on 127.0.0.1 that implement each provider's documented identity call
(and GitHub's revocation API) with their headers and error modes, for the verification tests.

What a token does is set per test in `Server.tokens`: a `Behaviour` says whether it is active
(and with which facts), revoked, rate-limited, missing (404), failing (500), slow (beyond the
client's timeout) or answered with a malformed body. Every request is logged."""

from __future__ import annotations

import contextlib
import json
import random
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

SLOW_SECONDS = 1.5  # longer than the tests' --verify-timeout


class Behaviour(NamedTuple):
    # active | revoked | expired | rate-limited | retry-once | missing | error | slow | malformed
    kind: str = "active"
    login: str = "octocat"
    user_id: int = 583231
    scopes: str | None = "repo, workflow"  # X-OAuth-Scopes / provider scopes; None: no header
    expires: str | None = None  # GitHub's header form '2030-01-31 12:00:00 UTC', or ISO
    repositories: tuple[str, ...] = ("api", "infra")  # what a ghs_ installation token reaches


class Request(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Server:
    """One server, every provider's routes; `url` is its base URL."""

    def __init__(self, ca: Any = None) -> None:
        self.tokens: dict[str, Behaviour] = {}
        self.requests: list[Request] = []
        self.revoked: set[str] = set()
        self.aws_keys: dict[str, str] = {}  # access key id -> secret access key
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._handle(self, "GET")

            def do_POST(self) -> None:
                owner._handle(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        scheme = "http"
        if ca is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.tokens.clear()
            self.requests.clear()
            self.revoked.clear()
            self.aws_keys.clear()
            self._seen.clear()

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- dispatch ----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        size = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(size) if size else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        path = urlsplit(handler.path).path  # absolute-form through a proxy too
        with self._lock:
            self.requests.append(Request(method, handler.path, headers, body))
        route = ROUTES.get((method, path))
        if route is None:
            return _send(handler, 404, {"message": "Not Found"})
        route(self, handler, headers, body)

    def behaviour(self, token: str) -> Behaviour | None:
        if token in self.revoked:
            return Behaviour("revoked")
        found = self.tokens.get(token)
        if found is not None and found.kind == "retry-once":
            with self._lock:
                first = token not in self._seen
                self._seen.add(token)
            return Behaviour("rate-limited-briefly") if first else found._replace(kind="active")
        return found


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: Any,
    headers: dict[str, str] | None = None,
) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def _bearer(headers: dict[str, str]) -> str:
    value = headers.get("authorization", "")
    return value.split(" ", 1)[1] if " " in value else ""


def _common(
    handler: BaseHTTPRequestHandler, found: Behaviour | None, rejected: tuple[int, Any]
) -> bool:
    """Answer the shared error modes; True when answered. `rejected`: the provider's 401."""
    if found is None or found.kind in ("revoked", "expired"):
        _send(handler, *rejected)
        return True
    if found.kind == "rate-limited":
        reset = str(int(time.time()) + 3600)
        _send(
            handler,
            403,
            {"message": "API rate limit exceeded"},
            {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        )
        return True
    if found.kind == "rate-limited-briefly":
        _send(handler, 429, {"message": "slow down"}, {"Retry-After": "1"})
        return True
    if found.kind == "missing":
        _send(handler, 404, {"message": "Not Found"})
        return True
    if found.kind == "error":
        _send(handler, 500, {"message": "Internal Server Error"})
        return True
    if found.kind == "slow":
        time.sleep(SLOW_SECONDS)
        _send(handler, 200, {})
        return True
    if found.kind == "malformed":
        _send(handler, 200, b"<html>Service Unavailable</html>")
        return True
    return False


# -- GitHub -----------------------------------------------------------------------------------

GITHUB_401 = (
    401,
    {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
)


def github_user(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    if _common(handler, found, GITHUB_401):
        return
    assert found is not None
    extra = {"X-RateLimit-Remaining": "4999", "X-GitHub-Media-Type": "github.v3"}
    if found.scopes is not None:
        extra["X-OAuth-Scopes"] = found.scopes
    if found.expires:
        extra["GitHub-Authentication-Token-Expiration"] = found.expires
    user = {"login": found.login, "id": found.user_id, "type": "User", "site_admin": False}
    _send(handler, 200, user, extra)


def github_installation(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    if _common(handler, found, GITHUB_401):
        return
    assert found is not None
    repositories = [
        {"full_name": f"{found.login}/{name}", "owner": {"login": found.login}}
        for name in found.repositories
    ]
    extra = {"GitHub-Authentication-Token-Expiration": found.expires} if found.expires else {}
    answer = {
        "total_count": len(repositories),
        "repository_selection": "selected",
        "repositories": repositories,
    }
    _send(handler, 200, answer, extra)


def github_revoke(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    if "authorization" in headers:  # documented: any authenticated request gets 403
        return _send(handler, 403, {"message": "Must not be authenticated"})
    try:
        credentials = json.loads(body)["credentials"]
    except (ValueError, KeyError, TypeError):
        return _send(handler, 422, {"message": "Validation Failed"})
    if not isinstance(credentials, list) or not 0 < len(credentials) <= 1000:
        return _send(handler, 422, {"message": "Validation Failed"})
    with server._lock:
        server.revoked.update(credentials)
    _send(handler, 202, {})


# -- GitLab, npm, Slack -----------------------------------------------------------------------


def gitlab_self(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(headers.get("private-token", ""))
    if found is not None and found.kind == "revoked":
        answer = {
            "error": "invalid_token",
            "error_description": "Token was revoked. You have to re-authorize from the user.",
        }
        return _send(handler, 401, answer)
    if found is not None and found.kind == "expired":
        answer = {"error": "invalid_token", "error_description": "Token has expired."}
        return _send(handler, 401, answer)
    if _common(handler, found, (401, {"message": "401 Unauthorized"})):
        return
    assert found is not None
    token = {
        "id": 4,
        "name": "deploy script",
        "revoked": False,
        "created_at": "2025-07-23T14:31:47.729Z",
        "scopes": [s.strip() for s in (found.scopes or "").split(",") if s.strip()],
        "user_id": found.user_id,
        "last_used_at": "2026-10-06T17:58:37.550Z",
        "active": True,
        "expires_at": found.expires,
    }
    _send(handler, 200, token)


def npm_whoami(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    if _common(handler, found, (401, {"error": "You must be logged in"})):
        return
    assert found is not None
    _send(handler, 200, {"username": found.login})


def slack_auth_test(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    token = _bearer(headers)
    found = server.behaviour(token)
    if found is not None and found.kind == "revoked":
        return _send(handler, 200, {"ok": False, "error": "token_revoked"})
    if _common(handler, found, (200, {"ok": False, "error": "invalid_auth"})):
        return
    assert found is not None
    answer = {
        "ok": True,
        "url": "https://acme.slack.com/",
        "team": "Acme",
        "user": found.login,
        "team_id": "T12345678",
        "user_id": "W12345678",
    }
    if token.startswith("xoxb-"):
        answer["bot_id"] = "B12345678"
    _send(handler, 200, answer, {"X-OAuth-Scopes": found.scopes or ""})


# -- OpenAI, Stripe, SendGrid, Hugging Face, DigitalOcean --------------------------------------


def openai_models(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    error = {
        "error": {
            "message": "Incorrect API key provided",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    }
    if _common(handler, found, (401, error)):
        return
    assert found is not None
    extra = {"openai-organization": "org-acme", "openai-project": "proj_123"}
    _send(handler, 200, {"object": "list", "data": [{"id": "gpt-4o", "object": "model"}]}, extra)


def stripe_account(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    error = {"error": {"message": "Invalid API Key provided", "type": "invalid_request_error"}}
    if _common(handler, found, (401, error)):
        return
    assert found is not None
    account = {
        "id": "acct_1Acme",
        "object": "account",
        "email": "billing@acme.example",
        "settings": {"dashboard": {"display_name": "Acme Inc"}},
    }
    _send(handler, 200, account)


def sendgrid_scopes(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    error = {"errors": [{"field": None, "message": "authorization required"}]}
    if _common(handler, found, (401, error)):
        return
    assert found is not None
    scopes = [s.strip() for s in (found.scopes or "").split(",") if s.strip()]
    _send(handler, 200, {"scopes": scopes})


def huggingface_whoami(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    found = server.behaviour(_bearer(headers))
    if _common(handler, found, (401, {"error": "Invalid credentials in Authorization header"})):
        return
    assert found is not None
    answer = {
        "type": "user",
        "id": "62f264b9f3c90f4b6514a269",
        "name": found.login,
        "auth": {
            "type": "access_token",
            "accessToken": {"displayName": "ci", "role": found.scopes or "read"},
        },
    }
    _send(handler, 200, answer)


def digitalocean_account(
    server: Server, handler: Any, headers: dict[str, str], body: bytes
) -> None:
    found = server.behaviour(_bearer(headers))
    if _common(
        handler, found, (401, {"id": "unauthorized", "message": "Unable to authenticate you"})
    ):
        return
    assert found is not None
    account = {
        "email": "sammy@acme.example",
        "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
        "status": "active",
        "team": {"uuid": "5df3e3004a17e242b7c20ca6c9fc25b701a47ece", "name": "Acme"},
    }
    _send(handler, 200, {"account": account}, {"ratelimit-remaining": "4999"})


# -- AWS STS ----------------------------------------------------------------------------------


def sts(server: Server, handler: Any, headers: dict[str, str], body: bytes) -> None:
    """GetCallerIdentity, with the SigV4 signature checked by botocore's own signer."""
    from urllib.parse import parse_qs

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    form = parse_qs(body.decode())
    authorization = headers.get("authorization", "")
    try:
        credential = authorization.split("Credential=")[1].split(",")[0]
        key_id, _date, region, service, _ = credential.split("/")
        signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
        signature = authorization.split("Signature=")[1].strip()
    except (IndexError, ValueError):
        return _sts_error(handler, 403, "IncompleteSignature")
    if form.get("Action") != ["GetCallerIdentity"]:
        return _sts_error(handler, 400, "InvalidAction")
    found = server.behaviour(key_id)
    if found is not None and found.kind == "slow":
        time.sleep(SLOW_SECONDS)
    if key_id not in server.aws_keys:
        return _sts_error(handler, 403, "InvalidClientTokenId")
    host = headers["host"]
    request = AWSRequest(
        method="POST",
        url=f"http://{host}/",
        data=body,
        headers={name: headers[name] for name in signed},
    )
    request.context["timestamp"] = headers["x-amz-date"]
    signer = SigV4Auth(Credentials(key_id, server.aws_keys[key_id]), service, region)
    expected = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request
    )
    if expected != signature:
        return _sts_error(handler, 403, "SignatureDoesNotMatch")
    xml = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deploy</Arn>"
        "<UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account>"
        "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId>"
        "</ResponseMetadata></GetCallerIdentityResponse>"
    )
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.send_header("Content-Length", str(len(xml)))
    handler.end_headers()
    handler.wfile.write(xml.encode())


def _sts_error(handler: Any, status: int, code: str) -> None:
    xml = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{code}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    ).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/xml")
    handler.send_header("Content-Length", str(len(xml)))
    handler.end_headers()
    handler.wfile.write(xml)


ROUTES = {
    ("GET", "/user"): github_user,
    ("GET", "/installation/repositories"): github_installation,
    ("POST", "/credentials/revoke"): github_revoke,
    ("GET", "/api/v4/personal_access_tokens/self"): gitlab_self,
    ("GET", "/-/whoami"): npm_whoami,
    ("POST", "/api/auth.test"): slack_auth_test,
    ("GET", "/v1/models"): openai_models,
    ("GET", "/v1/account"): stripe_account,
    ("GET", "/v3/scopes"): sendgrid_scopes,
    ("GET", "/api/whoami-v2"): huggingface_whoami,
    ("GET", "/v2/account"): digitalocean_account,
    ("POST", "/"): sts,
}
PROVIDERS = (
    "github",
    "gitlab",
    "npm",
    "slack",
    "openai",
    "stripe",
    "sendgrid",
    "huggingface",
    "digitalocean",
    "aws",
)


def url_options(url: str) -> list[str]:
    """Command-line options that send every provider to `url`."""
    options = ["--github-api-url", url, "--gitlab-url", url]
    for name in PROVIDERS[2:]:
        options += ["--provider-url", f"{name}={url}"]
    return options


def verify_args(url: str | None = None, fmt: str = "json") -> list[str]:
    """--verify without the result cache, the report format, every provider sent to `url`."""
    return [
        "--verify",
        "--verify-cache-ttl",
        "0",
        "--format",
        fmt,
        *(url_options(url) if url else []),
    ]


def write_ca(ca: Any, folder: Path) -> Path:
    path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@contextlib.contextmanager
def running(ca: Any = None) -> Iterator[Server]:
    server = Server(ca)
    try:
        yield server
    finally:
        server.close()


def fresh(prefix: str, alphabet: str, size: int, seed: int = 0) -> str:
    """A credential-shaped value made at run time (no literal token in the tests)."""
    rng = random.Random(f"{prefix}{seed}")
    return prefix + "".join(rng.choice(alphabet) for _ in range(size))


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEX = "0123456789abcdef"
