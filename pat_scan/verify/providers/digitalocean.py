"""DigitalOcean: `GET /v2/account` names the account (email, UUID, team) a token belongs to.
The API does not tell a token's custom scopes or expiry."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://api.digitalocean.com"
RULES = frozenset({"digitalocean-pat", "digitalocean-oauth-token"})
NOTE = (
    "DigitalOcean does not tell a token's scopes or expiry; see them at "
    "https://cloud.digitalocean.com/account/api/tokens"
)


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("GET", f"{probe.base_url}/v2/account", bearer(probe.secret))
    kind = "OAuth token" if probe.secret.startswith("doo_") else "personal access token"
    if reply.status == 401:
        return record.invalid("DigitalOcean rejected it: revoked, expired or never valid")
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    account = body.get("account") if isinstance(body, dict) else None
    if not isinstance(account, dict):
        return malformed(reply)
    team = account.get("team") or {}
    return record.active(
        identity=identity(
            email=account.get("email"),
            uuid=account.get("uuid"),
            team=team.get("name") if isinstance(team, dict) else None,
            status=account.get("status"),
        ),
        permissions_note=NOTE,
        token_type=kind,
    )


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://cloud.digitalocean.com/account/api/tokens (delete the token)"


PROVIDER = Provider("digitalocean", RULES, DEFAULT_URL, check, revoke_at)
