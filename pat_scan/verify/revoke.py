"""GitHub's credential revocation API: `POST /credentials/revoke` takes up to 1,000 tokens a
request (ghp_, github_pat_, gho_, ghu_, ghr_), sent WITHOUT authentication (an authenticated
request gets 403), at most 60 requests an hour. GitHub cannot reactivate a revoked token and
notifies its owner. What was submitted is recorded redacted, with GitHub's answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pat_scan.findings import Finding
from pat_scan.verify.providers.github import HEADERS, REVOCABLE
from pat_scan.verify.settings import Settings

BATCH = 1000  # tokens a request, GitHub's limit
REQUESTS_AN_HOUR = 60  # GitHub's limit for this endpoint


class Submission(NamedTuple):
    url: str
    submitted: list[dict[str, Any]]  # redacted: rule, path, line, fingerprint, prefix
    status: int | None  # HTTP status, None when no answer came
    answer: Any  # GitHub's JSON body (or text); never holds a token it was sent
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status == 202


def revocable(finding: Finding) -> bool:
    return not finding.stored and finding.secret.startswith(REVOCABLE)


def submit(findings: Sequence[Finding], settings: Settings, base_url: str) -> list[Submission]:
    """Send every unique revocable secret among `findings`, BATCH at a time."""
    from pat_scan.verify.http import Client, Unanswered

    by_secret: dict[str, list[Finding]] = {}
    for finding in findings:
        if revocable(finding):
            by_secret.setdefault(finding.secret, []).append(finding)
    secrets = list(by_secret)
    url = f"{base_url}/credentials/revoke"
    submissions: list[Submission] = []
    with Client(settings) as client:
        for start in range(0, len(secrets), BATCH):
            batch = secrets[start : start + BATCH]
            described = [_described(f) for s in batch for f in by_secret[s]]
            if len(submissions) == REQUESTS_AN_HOUR:
                submissions.append(Submission(url, described, None, None, "not sent: 60 an hour"))
                continue
            try:
                reply = client.request("POST", url, HEADERS, json_body={"credentials": batch})
            except Unanswered as exc:
                submissions.append(Submission(url, described, None, None, str(exc)))
                continue
            answer = reply.json()
            if answer is None:
                answer = reply.body.decode("utf-8", "replace")[:500]
            submissions.append(Submission(url, described, reply.status, _scrubbed(answer, batch)))
    return submissions


def _described(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule.id,
        "path": finding.path,
        "line": finding.line,
        "fingerprint": finding.fingerprint,
        "secret": finding.preview,
    }


def _scrubbed(answer: Any, secrets: list[str]) -> Any:
    """GitHub's answer with any token it echoes replaced by its redacted form."""
    import json

    from pat_scan.findings import redact

    text = json.dumps(answer)
    for secret in secrets:
        text = text.replace(secret, redact(secret))
    return json.loads(text)


def to_json(submission: Submission) -> dict[str, Any]:
    return {
        "url": submission.url,
        "authenticated": False,
        "submitted": submission.submitted,
        "status": submission.status,
        "accepted": submission.accepted,
        "answer": submission.answer,
        "error": submission.error,
    }
