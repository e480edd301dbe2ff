"""SendGrid: `GET /v3/scopes` lists every scope of the key that asks."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://api.sendgrid.com"
RULES = frozenset({"sendgrid-api-key"})


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("GET", f"{probe.base_url}/v3/scopes", bearer(probe.secret))
    if reply.status in (401, 403):
        return record.invalid("SendGrid rejected it: deleted or never valid", token_type="API key")
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    if not isinstance(body, dict) or not isinstance(body.get("scopes"), list):
        return malformed(reply)
    return record.active(scopes=tuple(str(s) for s in body["scopes"]), token_type="API key")


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://app.sendgrid.com/settings/api_keys (delete the key)"


PROVIDER = Provider("sendgrid", RULES, DEFAULT_URL, check, revoke_at)
