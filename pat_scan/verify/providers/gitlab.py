"""GitLab (gitlab.com or self-managed): `GET /api/v4/personal_access_tokens/self` tells a
personal, project or group access token's scopes, expiry, and whether it is active or revoked."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.http import Reply
from pat_scan.verify.providers import Probe, Provider, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://gitlab.com"
RULES = frozenset({"gitlab-pat", "gitlab-pat-routable"})
TOKEN_TYPE = "personal, project or group access token"


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    url = f"{probe.base_url}/api/v4/personal_access_tokens/self"
    return _answer(probe.client.request("GET", url, {"PRIVATE-TOKEN": probe.secret}))


def _answer(reply: Reply) -> Verification:
    if reply.status == 401:
        body = reply.json()
        said = str(body.get("error_description", "")) if isinstance(body, dict) else ""
        if "revoked" in said.lower():
            return record.revoked("GitLab says it was revoked", token_type=TOKEN_TYPE)
        if "expired" in said.lower():
            return record.invalid("GitLab says it has expired", token_type=TOKEN_TYPE)
        return record.invalid("GitLab rejected it: revoked, expired or never valid")
    if reply.status != 200:
        return unexpected(reply, "is the GitLab URL right?")
    token = reply.json()
    if not isinstance(token, dict) or not isinstance(token.get("scopes"), list):
        return malformed(reply)
    facts = {
        "identity": identity(user_id=token.get("user_id"), token_name=token.get("name")),
        "scopes": tuple(str(s) for s in token["scopes"]),
        "expires_at": record.iso_date(str(token["expires_at"]))
        if token.get("expires_at")
        else record.NEVER,
        "token_type": TOKEN_TYPE,
    }
    if token.get("revoked"):
        return record.revoked("GitLab says it was revoked", **facts)
    if token.get("active") is False:
        return record.invalid("GitLab says it is no longer active (expired)", **facts)
    return record.active(**facts)


def revoke_at(rule_id: str, base_url: str) -> str:
    return (
        f"{base_url}/-/user_settings/personal_access_tokens (project and group tokens: the "
        "project's or group's Settings > Access tokens), or: curl -X DELETE -H "
        f"'PRIVATE-TOKEN: $TOKEN' {base_url}/api/v4/personal_access_tokens/self"
    )


PROVIDER = Provider("gitlab", RULES, DEFAULT_URL, check, revoke_at)
