"""The verification record: what one check of one credential found out. It never holds the
secret; it is written to reports as the finding's `verification` field."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, NamedTuple

ACTIVE, REVOKED, INVALID, UNKNOWN = "active", "revoked", "invalid", "unknown"
NEVER = "never"  # expires_at of a credential that does not expire

# Reasons a credential could not be verified (status unknown), as the summary counts them.
OFFLINE = "offline"
TIMEOUT = "timeout"
TLS_ERROR = "TLS error"
RATE_LIMITED = "rate-limited"
SERVER_ERROR = "server error"
UNEXPECTED = "unexpected response"
NO_VERIFIER = "no verifier for this rule"
NO_SECRET = "secret not available"
OFFLINE_FACTS = "no online check; facts decoded from the token itself"


class Verification(NamedTuple):
    status: str  # active | revoked | invalid | unknown
    provider: str = ""
    reason: str | None = None  # why unknown, invalid or revoked, in a few words
    detail: str | None = None  # what the provider answered, for unknown (no secret in it)
    identity: Mapping[str, str] = {}  # login, user id, account, team...
    scopes: tuple[str, ...] | None = None  # None: the provider does not tell
    permissions_note: str | None = None  # what cannot be learned, said plainly
    expires_at: str | None = None  # ISO 8601, "never", or None when the provider does not tell
    token_type: str | None = None
    checked_at: str = ""
    cached: bool = False
    revoke_at: str = ""  # the exact revocation URL or command
    risks: tuple[str, ...] = ()  # broad scopes, no expiry: why the severity was raised
    severity_before: str | None = None  # the rule's severity, when the facts raised it
    advice: str | None = None  # what to do, from these facts

    @property
    def summary_reason(self) -> str:
        """The short reason the summary counts an unknown result under."""
        return (self.reason or UNEXPECTED).split(":")[0]


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def active(**facts: Any) -> Verification:
    return Verification(ACTIVE, **facts)


def invalid(reason: str, **facts: Any) -> Verification:
    return Verification(INVALID, reason=reason, **facts)


def revoked(reason: str, **facts: Any) -> Verification:
    return Verification(REVOKED, reason=reason, **facts)


def unknown(reason: str, detail: str | None = None, **facts: Any) -> Verification:
    return Verification(UNKNOWN, reason=reason, detail=detail, **facts)


def to_json(record: Verification) -> dict[str, Any]:
    """The report's `verification` object: every key always present, in one order."""
    return {
        "status": record.status,
        "provider": record.provider,
        "reason": record.reason,
        "detail": record.detail,
        "identity": dict(record.identity),
        "scopes": list(record.scopes) if record.scopes is not None else None,
        "permissions_note": record.permissions_note,
        "expires_at": record.expires_at,
        "token_type": record.token_type,
        "checked_at": record.checked_at,
        "cached": record.cached,
        "revoke_at": record.revoke_at,
        "risks": list(record.risks),
        "severity_before": record.severity_before,
        "advice": record.advice,
    }


def from_json(data: Mapping[str, Any]) -> Verification:
    """A record read back from the cache (shapes are checked by the caller's try)."""
    scopes = data.get("scopes")
    return Verification(
        status=str(data["status"]),
        provider=str(data.get("provider", "")),
        reason=data.get("reason"),
        detail=data.get("detail"),
        identity={str(k): str(v) for k, v in dict(data.get("identity") or {}).items()},
        scopes=tuple(str(s) for s in scopes) if scopes is not None else None,
        permissions_note=data.get("permissions_note"),
        expires_at=data.get("expires_at"),
        token_type=data.get("token_type"),
        checked_at=str(data.get("checked_at", "")),
        cached=bool(data.get("cached", False)),
        revoke_at=str(data.get("revoke_at", "")),
    )


def iso_date(text: str) -> str | None:
    """An expiry as the providers write it ('2026-05-31 12:00:00 UTC', '2026-05-31T12:00:00Z',
    '2026-05-31', '... +0000') as ISO 8601 UTC; None when it cannot be read."""
    cleaned = text.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    for parse in (
        datetime.datetime.fromisoformat,
        lambda t: datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
    ):
        try:
            moment = parse(cleaned)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        utc = moment.astimezone(datetime.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def is_past(expires_at: str | None) -> bool:
    if not expires_at or expires_at == NEVER:
        return False
    moment = datetime.datetime.strptime(expires_at, "%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(tzinfo=datetime.timezone.utc) < datetime.datetime.now(
        datetime.timezone.utc
    )
