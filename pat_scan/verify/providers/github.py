"""GitHub (github.com or Enterprise Server): `GET /user` for user tokens, reading the scopes
from `X-OAuth-Scopes` and the expiry from `GitHub-Authentication-Token-Expiration`;
`GET /installation/repositories` for installation (ghs_) tokens, which cannot read /user.

Fine-grained tokens and GitHub App user tokens have no scopes header: their permissions and
repository selection are not readable with the token itself without trying each permission,
which pat-scan does not do (a write attempt is a side effect)."""

from __future__ import annotations

from collections.abc import Mapping

from pat_scan.verify import record
from pat_scan.verify.http import Reply
from pat_scan.verify.providers import Probe, Provider, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://api.github.com"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}

TOKEN_TYPES = {
    "ghp_": "personal access token (classic)",
    "github_pat_": "fine-grained personal access token",
    "gho_": "OAuth app access token",
    "ghu_": "GitHub App user-to-server token",
    "ghs_": "GitHub App installation (server-to-server) token",
    "ghr_": "GitHub App refresh token",
}
# What GitHub's credential revocation API accepts (POST /credentials/revoke).
REVOCABLE = ("ghp_", "github_pat_", "gho_", "ghu_", "ghr_")
RULES = frozenset(
    {
        "github-pat-classic",
        "github-pat-fine-grained",
        "github-oauth-token",
        "github-user-to-server-token",
        "github-server-to-server-token",
        "github-refresh-token",
        "github-refresh-token-long",
    }
)
FINE_GRAINED_NOTE = (
    "fine-grained permissions and repository access cannot be read with the token without "
    "trying each one; review them at {web}/settings/personal-access-tokens"
)
APP_USER_NOTE = (
    "acts as the user, limited to the GitHub App's permissions (see the app's settings); "
    "GitHub reports no scopes for these tokens"
)
INSTALLATION_NOTE = (
    "permissions are the GitHub App installation's (see its settings); the token can reach "
    "the repositories listed"
)


def token_type(secret: str) -> str | None:
    return next((kind for prefix, kind in TOKEN_TYPES.items() if secret.startswith(prefix)), None)


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    kind = token_type(probe.secret)
    if probe.secret.startswith("ghr_"):
        return record.unknown(
            record.NO_VERIFIER,
            "a refresh token can only be checked by exchanging it (with the app's client "
            "secret), which would use it up",
            token_type=kind,
        )
    auth = {**HEADERS, "Authorization": f"Bearer {probe.secret}"}
    if probe.secret.startswith("ghs_"):
        url = f"{probe.base_url}/installation/repositories?per_page=100"
        return _installation(probe.client.request("GET", url, auth), kind)
    reply = probe.client.request("GET", f"{probe.base_url}/user", auth)
    return _user(reply, probe.secret, kind, web_url(probe.base_url))


def _expiry(headers: Mapping[str, str], absent: str | None = record.NEVER) -> str | None:
    """The token's expiry header; `absent` when GitHub sends none."""
    value = headers.get("github-authentication-token-expiration")
    if value is None:
        return absent
    return record.iso_date(value) or value


def _user(reply: Reply, secret: str, kind: str | None, web: str) -> Verification:
    if reply.status == 401:
        return record.invalid(
            "GitHub rejected it: revoked, expired or never valid", token_type=kind
        )
    if reply.status != 200:
        return unexpected(reply, "is the API URL right (GHES: https://HOST/api/v3)?")
    user = reply.json()
    if not isinstance(user, dict) or "login" not in user:
        return malformed(reply)
    headers = reply.headers
    scopes_header = headers.get("x-oauth-scopes")
    scopes = (
        tuple(s.strip() for s in scopes_header.split(",") if s.strip())
        if scopes_header is not None
        else None
    )
    note = None
    if secret.startswith("github_pat_"):
        note = FINE_GRAINED_NOTE.format(web=web)
    elif secret.startswith("ghu_"):
        note = APP_USER_NOTE
    return record.active(
        identity=identity(login=user.get("login"), user_id=user.get("id"), type=user.get("type")),
        scopes=scopes,
        permissions_note=note,
        expires_at=_expiry(headers),
        token_type=kind,
    )


def _installation(reply: Reply, kind: str | None) -> Verification:
    if reply.status == 401:
        return record.invalid(
            "GitHub rejected it: expired (after an hour) or revoked", token_type=kind
        )
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    if not isinstance(body, dict) or not isinstance(body.get("repositories"), list):
        return malformed(reply)
    repositories = [r for r in body["repositories"] if isinstance(r, dict)]
    owners = sorted({str((r.get("owner") or {}).get("login", "")) for r in repositories} - {""})
    names = [str(r.get("full_name", "")) for r in repositories[:5]]
    total = body.get("total_count", len(repositories))
    more = (
        f" and {int(total) - len(names)} more"
        if isinstance(total, int) and total > len(names)
        else ""
    )
    return record.active(
        identity=identity(
            installation_owner=", ".join(owners),
            repositories=f"{total} ({body.get('repository_selection', '?')})",
        ),
        scopes=tuple(f"repository:{name}" for name in names) if names else (),
        permissions_note=INSTALLATION_NOTE + (f" ({', '.join(names)}{more})" if names else ""),
        expires_at=_expiry(reply.headers, absent=None),  # an hour at most, GitHub says
        token_type=kind,
    )


def web_url(base_url: str) -> str:
    """github.com for api.github.com; https://HOST for a GHES API at https://HOST/api/v3."""
    if base_url.rstrip("/") == DEFAULT_URL:
        return "https://github.com"
    return base_url.rstrip("/").removesuffix("/api/v3")


def revoke_at(rule_id: str, base_url: str) -> str:
    web = web_url(base_url)
    if rule_id == "github-server-to-server-token":
        return f"curl -X DELETE -H 'Authorization: Bearer $TOKEN' {base_url}/installation/token"
    page = {
        "github-pat-fine-grained": "settings/personal-access-tokens",
        "github-oauth-token": "settings/applications",
    }.get(rule_id, "settings/tokens")
    if rule_id.startswith(("github-user-to-server", "github-refresh")):
        page = "settings/apps/authorizations"
    return f"{web}/{page} (or: pat-scan revoke REPORT)"


PROVIDER = Provider("github", RULES, DEFAULT_URL, check, revoke_at)
