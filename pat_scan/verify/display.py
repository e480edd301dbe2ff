"""How a verification record reads in the text report: one line per finding, one summary."""

from __future__ import annotations

from collections.abc import Mapping

from pat_scan.verify import record
from pat_scan.verify.record import Verification


def line(result: Verification) -> str:
    """'verified ACTIVE: login octocat, user id 1; scopes repo, workflow; never expires' ..."""
    if result.status == record.UNKNOWN and result.reason != record.OFFLINE_FACTS:
        detail = f" ({result.detail})" if result.detail else ""
        return f"not verified: {result.reason}{detail}"
    label = (
        "decoded offline"
        if result.status == record.UNKNOWN
        else f"verified {result.status.upper()}"
    )
    parts = [", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.identity.items())]
    if result.status in (record.REVOKED, record.INVALID):
        parts.append(result.reason or "")
    if result.token_type:
        parts.append(result.token_type)
    if result.scopes is not None:
        parts.append("scopes " + (", ".join(result.scopes) or "(none)"))
    if result.expires_at:
        parts.append(
            "never expires" if result.expires_at == record.NEVER else f"expires {result.expires_at}"
        )
    if result.severity_before:
        parts.append(f"severity raised from {result.severity_before}")
    when = "cached from " + result.checked_at if result.cached else result.checked_at
    return f"{label}: " + "; ".join(p for p in parts if p) + f" (checked {when})"


def summary(counts: Mapping[str, object]) -> str:
    """'verification: 1 active, 2 invalid; 3 could not be verified (2 timeout, 1 ...)'."""
    done = [
        f"{counts[s]} {s}" for s in (record.ACTIVE, record.REVOKED, record.INVALID) if counts[s]
    ]
    text = "verification: " + (", ".join(done) or "none verified")
    reasons = counts.get("unknown_reasons") or {}
    assert isinstance(reasons, dict)
    if reasons:
        why = ", ".join(f"{n} {reason}" for reason, n in reasons.items())
        text += f"; {counts['unknown']} could not be verified ({why})"
    return text
