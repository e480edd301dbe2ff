"""Verify a scan's findings: each unique secret is checked once, by its provider, a few at a
time; results come from the cache when young enough. A failure to verify is a result too
(status unknown, with the reason); it never removes a finding."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

from pat_scan.findings import Finding
from pat_scan.verify import record, result_cache, risk
from pat_scan.verify.providers import Probe, Provider, for_rule
from pat_scan.verify.record import Verification
from pat_scan.verify.settings import Settings

if TYPE_CHECKING:
    from pat_scan.config import Config
    from pat_scan.options import VerifyOptions
    from pat_scan.verify.http import Client


class Job(NamedTuple):
    """One check: a provider, where it is asked, and what (the secret stays in memory)."""

    provider: Provider
    base_url: str
    secret: str
    rule_id: str
    partner: str | None = None


def verify_findings(
    options: VerifyOptions, config: Config, findings: Sequence[Finding]
) -> tuple[list[Finding], dict[str, Verification]]:
    """Verify the findings as the options and configuration say (see `verify`); without the
    HTTP client installed, a usage error naming the extra, even with nothing to verify."""
    from pat_scan.verify import http
    from pat_scan.verify.settings import from_sources

    http.require_httpx()
    return verify(findings, from_sources(options, config))


def verify(
    findings: Sequence[Finding], settings: Settings
) -> tuple[list[Finding], dict[str, Verification]]:
    """(the findings with severities raised where the facts say so, fingerprint -> record).
    Suppressed findings are not verified (they are not reported as problems)."""
    offline: dict[str, Verification] = {}
    jobs: dict[str, Job] = {}  # fingerprint -> job
    for finding in findings:
        if finding.suppressed is not None:
            continue
        decided = _decided_offline(finding)
        if decided is not None:
            offline[finding.fingerprint] = decided
            continue
        provider = for_rule(finding.rule.id)
        assert provider is not None  # _decided_offline returns a record otherwise
        partner = _partner(finding, findings) if finding.rule.id == "aws-access-key-id" else None
        url = settings.url(provider.name, provider.default_url)
        jobs[finding.fingerprint] = Job(provider, url, finding.secret, finding.rule.id, partner)
    answers = _answers(jobs, settings)
    checked_at = record.now()
    records: dict[str, Verification] = {}
    for fingerprint, result in {**offline, **answers}.items():
        records[fingerprint] = result._replace(checked_at=result.checked_at or checked_at)
    _share_with_partners(findings, records)
    return _assessed(findings, records)


def _decided_offline(finding: Finding) -> Verification | None:
    """The record of a finding that needs no request, or None."""
    from pat_scan.validators import CHECKS

    provider = for_rule(finding.rule.id)
    if finding.stored:
        return record.unknown(record.NO_SECRET, "read from the incremental store, which keeps none")
    if provider is None:
        return record.unknown(record.NO_VERIFIER)
    check = CHECKS.get(finding.rule.validator) if finding.rule.validator else None
    if check is not None and check.checksummed and not check.validate(finding.secret):
        return record.invalid(
            "its checksum fails: the provider never issued it (checked offline)",
            provider=provider.name,
            revoke_at=provider.revoke_at(finding.rule.id, provider.default_url),
        )
    return None


def _partner(finding: Finding, findings: Sequence[Finding]) -> str | None:
    """The AWS secret access key nearest to this key id in the same file."""
    from pat_scan.verify.providers.aws import PARTNER_RULE

    near = [
        f for f in findings if f.rule.id == PARTNER_RULE and f.path == finding.path and not f.stored
    ]
    if not near:
        return None
    return min(near, key=lambda f: abs(f.line - finding.line)).secret


def _share_with_partners(findings: Sequence[Finding], records: dict[str, Verification]) -> None:
    """A secret access key gets the record of the key id it was checked with."""
    from pat_scan.verify.providers.aws import PARTNER_RULE

    key_ids = [f for f in findings if f.rule.id == "aws-access-key-id" and f.fingerprint in records]
    for finding in findings:
        if finding.rule.id != PARTNER_RULE or finding.stored:
            continue
        same_file = [k for k in key_ids if k.path == finding.path]
        if same_file:
            nearest = min(same_file, key=lambda k: abs(k.line - finding.line))
            records[finding.fingerprint] = records[nearest.fingerprint]


def _answers(jobs: dict[str, Job], settings: Settings) -> dict[str, Verification]:
    """Each job's record: from the cache, else from one request per unique secret."""
    cached = result_cache.load(settings.cache_ttl)
    keys = {fp: result_cache.key(fp, job.base_url) for fp, job in jobs.items()}
    found = {fp: cached[keys[fp]] for fp in jobs if keys[fp] in cached}
    unique: dict[tuple[str, str, str, str | None], list[str]] = {}
    for fingerprint, job in jobs.items():
        if fingerprint not in found:
            group = (job.provider.name, job.base_url, job.secret, job.partner)
            unique.setdefault(group, []).append(fingerprint)
    if unique:
        work = [jobs[fingerprints[0]] for fingerprints in unique.values()]
        for fingerprints, result in zip(unique.values(), _run(work, settings), strict=True):
            for fingerprint in fingerprints:
                found[fingerprint] = result
        fresh = {keys[fp]: found[fp] for group in unique.values() for fp in group}
        result_cache.store(settings.cache_ttl, fresh, kept=cached)
    return {
        fp: result._replace(
            provider=jobs[fp].provider.name,
            revoke_at=jobs[fp].provider.revoke_at(jobs[fp].rule_id, jobs[fp].base_url),
        )
        for fp, result in found.items()
    }


def _run(work: list[Job], settings: Settings) -> list[Verification]:
    """Run the checks, `settings.jobs` at a time, in the order given."""
    from pat_scan.verify.http import Client

    client = Client(settings) if any(job.provider.http for job in work) else None
    try:
        check = functools.partial(_check, client=client, settings=settings)
        if len(work) == 1:
            return [check(work[0])]
        with ThreadPoolExecutor(max_workers=max(1, min(settings.jobs, len(work)))) as pool:
            return list(pool.map(check, work))
    finally:
        if client is not None:
            client.close()


def _check(job: Job, client: Client | None, settings: Settings) -> Verification:
    from pat_scan.verify.http import Unanswered

    probe = Probe(job.secret, job.rule_id, job.base_url, client, settings, job.partner)
    try:
        result = job.provider.check(probe)
    except Unanswered as exc:
        result = record.unknown(exc.reason, exc.detail)
    return result._replace(checked_at=record.now())  # kept with the result in the cache


def _assessed(
    findings: Sequence[Finding], records: dict[str, Verification]
) -> tuple[list[Finding], dict[str, Verification]]:
    out: list[Finding] = []
    assessed: dict[str, Verification] = {}
    for finding in findings:
        result = records.get(finding.fingerprint)
        if result is None:
            out.append(finding)
            continue
        judged, severity = risk.assess(result, finding)
        assessed[finding.fingerprint] = judged
        if severity != finding.rule.severity:
            finding = finding._replace(rule=finding.rule._replace(severity=severity))
        if judged.status == record.ACTIVE:  # its provider says it is real: no doubt left
            finding = finding._replace(confidence="high")
        out.append(finding)
    return out, assessed


def summary(records: Mapping[str, Verification]) -> dict[str, object]:
    """How many of each status, and why those that could not be verified were not."""
    statuses = {status: 0 for status in (record.ACTIVE, record.REVOKED, record.INVALID)}
    unknown: dict[str, int] = {}
    for result in records.values():
        if result.status == record.UNKNOWN:
            unknown[result.summary_reason] = unknown.get(result.summary_reason, 0) + 1
        else:
            statuses[result.status] += 1
    return {
        **statuses,
        "unknown": sum(unknown.values()),
        "unknown_reasons": dict(sorted(unknown.items())),
    }
