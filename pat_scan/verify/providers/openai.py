"""OpenAI: `GET /v1/models` answers for any working project or service-account key; the
organization and project come back in the `openai-organization` / `openai-project` headers.
A restricted key without the Models permission gets 403 (it authenticated)."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://api.openai.com"
RULES = frozenset({"openai-project-key", "openai-service-account-key"})
NOTE = "OpenAI does not tell a key's permissions; see https://platform.openai.com/api-keys"


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("GET", f"{probe.base_url}/v1/models", bearer(probe.secret))
    kind = "service account key" if "svcacct" in probe.secret[:12] else "project API key"
    who = identity(
        organization=reply.headers.get("openai-organization"),
        project=reply.headers.get("openai-project"),
    )
    if reply.status == 401:
        return record.invalid(
            "OpenAI rejected it: revoked, deleted or never valid", token_type=kind
        )
    body = reply.json()
    if reply.status == 403:
        code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
        if code == "unsupported_country_region_territory":
            return unexpected(reply, "region not served")
        return record.active(
            identity=who,
            scopes=("restricted: no Models read",),
            permissions_note=NOTE,
            token_type=kind,
        )
    if reply.status != 200:
        return unexpected(reply)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return malformed(reply)
    return record.active(identity=who, permissions_note=NOTE, token_type=kind)


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://platform.openai.com/api-keys (delete the key; project keys: project settings)"


PROVIDER = Provider("openai", RULES, DEFAULT_URL, check, revoke_at)
