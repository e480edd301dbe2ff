"""Risk from the facts, in the words of the advice: a live token, broad scopes and no expiry
raise the finding's severity, and "what to do" names them, where to revoke the token and how
to recreate it with least privilege and an expiry."""

from __future__ import annotations

from pat_scan.findings import SEVERITY_ORDER, Finding
from pat_scan.verify import record
from pat_scan.verify.record import Verification

# Scopes that reach far beyond reading one thing, with what they allow.
BROAD: dict[str, dict[str, str]] = {
    "github": {
        "repo": "full control of private repositories",
        "admin:org": "full control of organizations and teams",
        "delete_repo": "deleting repositories",
        "workflow": "changing GitHub Actions workflows",
        "write:packages": "publishing packages",
        "delete:packages": "deleting packages",
        "admin:repo_hook": "managing repository webhooks",
        "admin:org_hook": "managing organization webhooks",
        "admin:enterprise": "full control of enterprises",
        "admin:public_key": "managing SSH keys",
        "admin:gpg_key": "managing GPG keys",
        "site_admin": "administering the GitHub Enterprise Server instance",
    },
    "gitlab": {
        "api": "full read and write API access",
        "sudo": "acting as any user (administrator)",
        "admin_mode": "administrator actions",
        "write_repository": "pushing to repositories",
        "write_registry": "pushing container images",
    },
    "huggingface": {"write": "writing to every repository of the account"},
    "stripe": {"full API access": "every Stripe API call (charges, refunds, payouts)"},
    "pypi": {"upload:all projects of the user": "uploading to every project of the account"},
}
RECREATE = {
    "github": "a fine-grained token limited to the repositories and permissions the code uses "
    "(for example Contents: read), expiring in 30 to 90 days",
    "github-server-to-server-token": "installation tokens minted at run time from the app's "
    "private key (they expire within an hour); rotate that key if it sits next to the token",
    "gitlab": "a token with only the scopes the code uses (read_api or read_repository instead "
    "of api) and an expiry date",
    "pypi": "a project-scoped token, or better Trusted Publishing (no long-lived token at all)",
    "huggingface": "a fine-grained token limited to the repositories the code uses, with an expiry",
    "stripe": "a restricted key with only the resources the code uses",
}
DEFAULT_RECREATE = "a new key with only the permissions the code uses, with an expiry if offered"
GIT_OVER_HTTPS = "the code uses it for git over HTTPS: Contents (read; read and write to push)"


def assess(verification: Verification, finding: Finding) -> tuple[Verification, str]:
    """(the record with its risks and advice, the finding's severity from now on)."""
    severity = finding.rule.severity
    facts_hold = verification.status == record.ACTIVE or (
        verification.status == record.UNKNOWN and verification.reason == record.OFFLINE_FACTS
    )
    if not facts_hold:
        return verification._replace(advice=_advice(verification, finding, ())), severity
    broad = BROAD.get(verification.provider, {})
    risks = [f"broad scope {s}: {broad[s]}" for s in verification.scopes or () if s in broad]
    if verification.expires_at == record.NEVER:
        risks.append("it never expires")
    steps = int(verification.status == record.ACTIVE) + int(bool(risks))
    raised = _raise(severity, steps)
    assessed = verification._replace(
        risks=tuple(risks), severity_before=severity if raised != severity else None
    )
    return assessed._replace(advice=_advice(assessed, finding, risks)), raised


def _raise(severity: str, steps: int) -> str:
    by_rank = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    return by_rank[min(SEVERITY_ORDER[severity] + steps, len(by_rank) - 1)]


def _advice(verification: Verification, finding: Finding, risks: list[str] | tuple[()]) -> str:
    status = verification.status
    if status in (record.REVOKED, record.INVALID):
        return (
            f"{status} ({verification.reason}): nothing left to rotate, but remove it; "
            "the history keeps it"
        )
    if status == record.UNKNOWN and verification.reason != record.OFFLINE_FACTS:
        where = f" Revoke it at {verification.revoke_at}." if verification.revoke_at else ""
        return f"could not be verified ({verification.reason}): treat it as live.{where}"
    who = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in verification.identity.items())
    who = who or "an unnamed account"
    parts = [f"{'ACTIVE' if status == record.ACTIVE else 'decoded'}: acts as {who}"]
    if verification.scopes is not None:
        parts.append(f"scopes {', '.join(verification.scopes) or '(none)'}")
    if verification.permissions_note:
        parts.append(verification.permissions_note)
    if "@" in finding.line_text and "github.com" in finding.line_text:
        parts.append(GIT_OVER_HTTPS)
    expiry = verification.expires_at
    parts.append(
        "it never expires"
        if expiry == record.NEVER
        else f"expires {expiry}"
        if expiry
        else "expiry not known"
    )
    text = "; ".join(parts) + "."
    if risks:
        text += " Risk: " + "; ".join(risks) + "."
    text += f" Revoke it now: {verification.revoke_at}."
    recreate = RECREATE.get(finding.rule.id) or RECREATE.get(
        verification.provider, DEFAULT_RECREATE
    )
    return text + f" Recreate it as {recreate}, and load it from a secret store at run time."
