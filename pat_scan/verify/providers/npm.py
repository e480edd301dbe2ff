"""npm: `GET /-/whoami` names the user a token belongs to. The registry does not say what the
token may publish or when it expires."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://registry.npmjs.org"
RULES = frozenset({"npm-access-token"})
NOTE = (
    "npm does not tell a token's permissions (read-only, publish, packages, IP ranges) or "
    "expiry; see them at https://www.npmjs.com/settings/~/tokens"
)


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("GET", f"{probe.base_url}/-/whoami", bearer(probe.secret))
    if reply.status in (401, 403):
        return record.invalid("the registry rejected it: revoked, expired or never valid")
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    if not isinstance(body, dict) or not body.get("username"):
        return malformed(reply)
    return record.active(
        identity=identity(username=body["username"]),
        permissions_note=NOTE,
        token_type="npm access token",
    )


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://www.npmjs.com/settings/~/tokens, or: npm token revoke <token id>"


PROVIDER = Provider("npm", RULES, DEFAULT_URL, check, revoke_at)
