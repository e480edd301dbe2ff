"""Hugging Face: `GET /api/whoami-v2` names the user or organization and the token's role
(read, write, or fine-grained with its scoped permissions)."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://huggingface.co"
RULES = frozenset({"huggingface-access-token", "huggingface-org-token"})


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    reply = probe.client.request("GET", f"{probe.base_url}/api/whoami-v2", bearer(probe.secret))
    if reply.status == 401:
        return record.invalid("Hugging Face rejected it: deleted or never valid")
    if reply.status != 200:
        return unexpected(reply)
    body = reply.json()
    if not isinstance(body, dict) or not body.get("name"):
        return malformed(reply)
    token = ((body.get("auth") or {}).get("accessToken")) or {}
    role = str(token.get("role", "")) or None
    scopes: tuple[str, ...] | None = (role,) if role else None
    fine = token.get("fineGrained") or {}
    if role == "fineGrained" and isinstance(fine.get("scoped"), list):
        scopes = tuple(
            f"{(entry.get('entity') or {}).get('name', '?')}:{permission}"
            for entry in fine["scoped"]
            if isinstance(entry, dict)
            for permission in entry.get("permissions", [])
        ) + tuple(f"global:{p}" for p in fine.get("global", []))
    expiration = token.get("expiration") or (body.get("auth") or {}).get("expiresAt")
    return record.active(
        identity=identity(
            name=body.get("name"), type=body.get("type"), token_name=token.get("displayName")
        ),
        scopes=scopes,
        expires_at=record.iso_date(str(expiration)) if expiration else record.NEVER,
        token_type="user access token" if probe.secret.startswith("hf_") else "org API token",
    )


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://huggingface.co/settings/tokens (invalidate and refresh, or delete)"


PROVIDER = Provider("huggingface", RULES, DEFAULT_URL, check, revoke_at)
