"""Stripe: `GET /v1/account` names the account a secret or restricted key belongs to. A
restricted key without the account permission gets 403 (it authenticated)."""

from __future__ import annotations

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider, bearer, identity, malformed, unexpected
from pat_scan.verify.record import Verification

DEFAULT_URL = "https://api.stripe.com"
RULES = frozenset(
    {"stripe-live-secret-key", "stripe-live-restricted-key", "stripe-test-secret-key"}
)


def check(probe: Probe) -> Verification:
    assert probe.client is not None
    secret = probe.secret
    mode = "live" if "_live_" in secret[:8] else "test"
    kind = f"{'restricted' if secret.startswith('rk_') else 'secret'} key ({mode} mode)"
    reply = probe.client.request("GET", f"{probe.base_url}/v1/account", bearer(secret))
    if reply.status == 401:
        return record.invalid("Stripe rejected it: rolled, deleted or never valid", token_type=kind)
    if reply.status == 403:
        return record.active(
            scopes=("restricted: no account read",),
            permissions_note="a restricted key: its permissions are listed in the Dashboard",
            token_type=kind,
        )
    if reply.status != 200:
        return unexpected(reply)
    account = reply.json()
    if not isinstance(account, dict) or not account.get("id"):
        return malformed(reply)
    dashboard = (account.get("settings") or {}).get("dashboard") or {}
    return record.active(
        identity=identity(
            account=account.get("id"),
            email=account.get("email"),
            name=dashboard.get("display_name"),
        ),
        scopes=("full API access",) if secret.startswith("sk_") else None,
        permissions_note=None if secret.startswith("sk_") else "restricted key: see the Dashboard",
        token_type=kind,
    )


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://dashboard.stripe.com/apikeys (Roll key, expire now)"


PROVIDER = Provider("stripe", RULES, DEFAULT_URL, check, revoke_at)
