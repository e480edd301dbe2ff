"""PyPI API tokens are macaroons whose caveats say which projects they may upload to and until
when. They are decoded offline: PyPI has no read-only call that checks a token, and an upload
attempt is not a check."""

from __future__ import annotations

import datetime
import json
from typing import Any

from pat_scan.verify import record
from pat_scan.verify.providers import Probe, Provider
from pat_scan.verify.record import Verification

RULES = frozenset({"pypi-api-token"})
ALL_PROJECTS = "upload:all projects of the user"
# Caveat tags of PyPI's current format: [tag, ...values].
EXPIRATION, PROJECT_NAMES, PROJECT_IDS, REQUEST_USER, OIDC_PUBLISHER = 0, 1, 2, 3, 4


def check(probe: Probe) -> Verification:
    from pat_scan.validators.pypi import pypi_caveats

    caveats = pypi_caveats(probe.secret)
    if caveats is None:
        return record.unknown(record.UNEXPECTED, "not a well-formed PyPI macaroon")
    scopes: list[str] = []
    expires: int | None = None
    for raw in caveats:
        try:
            caveat = json.loads(raw)
        except ValueError:
            return record.unknown(record.UNEXPECTED, "a caveat is not JSON")
        found_scopes, found_expiry = _read(caveat)
        scopes += found_scopes
        if found_expiry is not None:
            expires = found_expiry if expires is None else min(expires, found_expiry)
    facts: dict[str, Any] = {
        "scopes": tuple(scopes) or (ALL_PROJECTS,),
        "expires_at": _iso(expires) if expires is not None else record.NEVER,
        "token_type": "API token (" + ("project-scoped" if scopes else "user-wide") + ")",
        "permissions_note": "decoded offline from the token's caveats; not checked with PyPI",
    }
    if record.is_past(facts["expires_at"]):
        return record.invalid("expired (its caveat says so)", **facts)
    return record.unknown(record.OFFLINE_FACTS, **facts)


def _read(caveat: Any) -> tuple[list[str], int | None]:
    """(scopes, expiry) of one caveat, in the legacy ({"version": 1, ...}) or tagged format."""
    if isinstance(caveat, dict):
        permissions = caveat.get("permissions")
        if isinstance(permissions, dict):
            return [f"upload:{p}" for p in permissions.get("projects", [])], None
        if "exp" in caveat:
            return [], int(caveat["exp"])
        return [], None
    if isinstance(caveat, list) and caveat and isinstance(caveat[0], int):
        tag, values = caveat[0], caveat[1:]
        if tag == EXPIRATION and values:
            return [], int(values[0])
        if tag in (PROJECT_NAMES, PROJECT_IDS) and values and isinstance(values[0], list):
            kind = "upload" if tag == PROJECT_NAMES else "upload:project id"
            return [f"{kind}:{name}" for name in values[0]], None
        if tag == REQUEST_USER and values:
            return [f"user id:{values[0]}"], None
        if tag == OIDC_PUBLISHER:
            return ["trusted publisher"], None
    return [], None


def _iso(timestamp: int) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def revoke_at(rule_id: str, base_url: str) -> str:
    return "https://pypi.org/manage/account/token/ (remove the token)"


PROVIDER = Provider("pypi", RULES, "", check, revoke_at, http=False)
