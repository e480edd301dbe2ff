"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

A SARIF file is made to be uploaded and shared, so it never holds a secret: no snippet, no line
text, and messages show only the redacted prefix, even with `--redact none`. Output is sorted
(results by path, line, column, rule; rules by id) so that the same scan gives the same bytes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from pat_scan import __version__
from pat_scan.findings import (
    CONFIDENCE_ORDER,
    SEVERITY_ORDER,
    Finding,
    InFile,
    InMessage,
    fingerprint_all,
)
from pat_scan.reporters import Report, commit_fields, line_hash
from pat_scan.rules import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/pat-scan/"
SRCROOT = "%SRCROOT%"
# GitHub code scanning rejects a run with more results than this.
MAX_RESULTS = 25_000
# GitHub keeps at most 20 tags per rule and shows 10.
MAX_TAGS = 10
MAX_DESCRIPTION = 1024
SECRET_HASH_KEY = "patScanSecretHash/v2"  # v2: pat_scan.fingerprints (v1 was reversible)
LINE_HASH_KEY = "primaryLocationLineHash"

_BASE_SCORE = {"critical": 9.5, "high": 8.0, "medium": 5.5, "low": 3.0}
_CWE_TAG = "external/cwe/cwe-798"  # Use of Hard-coded Credentials
_ENVIRONMENT_ADVICE = (
    "Load the new value at run time from the environment or a secret manager "
    '(os.environ["NAME"], process.env.NAME, your CI\'s secret store), never from the source.'
)


def write(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def document(report: Report) -> dict[str, Any]:
    findings = _reported(report)
    fingerprint_all(findings)
    total = len(findings)
    kept = _most_severe(findings, MAX_RESULTS) if total > MAX_RESULTS else findings
    if len(kept) < total:
        print(
            f"pat-scan: SARIF holds the {len(kept)} most severe of {total} results "
            f"(GitHub code scanning accepts at most {MAX_RESULTS} per run)",
            file=sys.stderr,
        )
    kept = sorted(kept, key=_location_key)
    rules = _rules(report, findings)
    index = {rule.id: i for i, rule in enumerate(rules)}
    hashes = line_hash.for_findings(kept)
    stats = report.result.stats
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "pat-scan",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(report, rule) for rule in rules],
            }
        },
        "automationDetails": {"id": f"pat-scan/{report.kind}/"},
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": _directory_uri(Path.cwd()),
                "description": {"text": "The directory pat-scan ran in; paths are relative to it."},
            }
        },
        "columnKind": "unicodeCodePoints",  # pat-scan counts characters, not UTF-16 units
        "invocations": [_invocation(report, len(kept), total)],
        "results": [_result(report, f, index, hashes) for f in kept],
        "properties": {
            "totalResults": total,
            "truncated": len(kept) < total,
            "filesScanned": stats.files,
            "bytesScanned": stats.bytes,
            "skipped": dict(sorted(stats.skipped.items())),
            "suppressed": len(report.result.suppressed),
            "complete": report.result.complete,
            "notBlockingLeftOut": sum(not _shown(report, f) for f in report.result.findings),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def _rules(report: Report, findings: Iterable[Finding]) -> list[Rule]:
    """Every active rule; without the list (older callers), at least those with findings."""
    by_id: dict[str, Rule] = {}
    for rule in (*report.rules, *(f.rule for f in findings)):
        by_id.setdefault(rule.id, rule)
    return [by_id[rule_id] for rule_id in sorted(by_id)]


def _rule(report: Report, rule: Rule) -> dict[str, Any]:
    blocks = report.policy.fails_on(rule.severity)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": _clip(rule.description, MAX_DESCRIPTION)},
        "defaultConfiguration": {"level": "error" if blocks else "warning"},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "properties": {
            "tags": rule_tags(rule),
            "precision": precision(rule),
            "security-severity": security_severity(rule),
        },
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def pascal_case(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def rule_tags(rule: Rule) -> list[str]:
    tags = ["security", "secret", _CWE_TAG]
    tags += [t for t in rule.tags if t not in tags]
    return tags[:MAX_TAGS]


def _checksummed(rule: Rule) -> bool:
    from pat_scan.validators import CHECKS

    check = CHECKS.get(rule.validator) if rule.validator else None
    return check is not None and check.checksummed


def _generic(rule: Rule) -> bool:
    return rule.pack == "generic" or "generic" in rule.tags


def precision(rule: Rule) -> str:
    if _checksummed(rule):
        return "very-high"
    return "medium" if _generic(rule) else "high"


def security_severity(rule: Rule) -> str:
    """GitHub's 0-10 score, as a string: a validated shape, then a checksum, score higher."""
    score = _BASE_SCORE[rule.severity]
    if _checksummed(rule):
        score += 0.4
    elif rule.validator:
        score += 0.3
    return f"{score:.1f}"


def help_text(rule: Rule) -> str:
    steps = _steps(rule)
    parts = [f"{rule.name} ({rule.id}, severity {rule.severity})", "", rule.description, ""]
    parts += ["What to do:", *(f"{n}. {step}" for n, step in enumerate(steps, 1))]
    if rule.references:
        parts += ["", "References:", *(f"- {url}" for url in rule.references)]
    return "\n".join(parts)


def help_markdown(rule: Rule) -> str:
    steps = _steps(rule)
    parts = [f"**{rule.name}** (`{rule.id}`, severity {rule.severity})", "", rule.description, ""]
    parts += ["## What to do", "", *(f"{n}. {step}" for n, step in enumerate(steps, 1))]
    if rule.references:
        parts += ["", "## References", "", *(f"- <{url}>" for url in rule.references)]
    return "\n".join(parts)


def _steps(rule: Rule) -> list[str]:
    remediation = " ".join(line.strip() for line in rule.remediation.splitlines() if line.strip())
    return [
        "Revoke and rotate it (it may already have been copied). " + remediation,
        "Remove it from the file. If it was pushed, it stays in git history: rotating it is what "
        "makes it harmless.",
        _ENVIRONMENT_ADVICE,
        f"Not a secret? Add `pat-scan: allow[{rule.id}]` in a comment on that line.",
    ]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


def _reported(report: Report) -> list[Finding]:
    """What GitHub shows is what blocks: a finding that does not fail the run (low confidence,
    or below --fail-on) is left out, unless the user asked for low ones (--min-confidence low),
    so code scanning never raises a High or Critical alert for a test fixture or a fake."""
    findings = [f for f in report.result.findings if _shown(report, f)]
    if report.show_suppressed:
        findings += report.result.suppressed
    return findings


def _shown(report: Report, finding: Finding) -> bool:
    return report.policy.min_confidence == "low" or report.policy.blocks(finding)


def _location_key(finding: Finding) -> tuple[str, int, int, str, int, int, str]:
    return (
        finding.path,
        finding.line,
        finding.column,
        finding.rule.id,
        finding.end_line,
        finding.end_column,
        finding.fingerprint,
    )


def _most_severe(findings: Sequence[Finding], limit: int) -> list[Finding]:
    """Reported before suppressed, then by severity, then confidence; location breaks ties."""
    ranked = sorted(
        findings,
        key=lambda f: (
            f.suppressed is not None,
            -SEVERITY_ORDER[f.rule.severity],
            -CONFIDENCE_ORDER[f.confidence],
            _location_key(f),
        ),
    )
    return ranked[:limit]


def _invocation(report: Report, kept: int, total: int) -> dict[str, Any]:
    """How the run went: not successful when interrupted, with a notification for each thing
    that made it incomplete (a shallow clone, a file not checked) and for truncation."""
    result = report.result
    invocation: dict[str, Any] = {"executionSuccessful": not result.interrupted}
    notifications = [
        {
            "level": "warning" if notice.kind == "shallow" else "error",
            "descriptor": {"id": notice.kind},
            "message": {"text": notice.message},
            **(
                {
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": quote(notice.path, safe="/"),
                                    "uriBaseId": SRCROOT,
                                }
                            }
                        }
                    ]
                }
                if notice.path is not None
                else {}
            ),
        }
        for notice in result.notices()
    ]
    if kept < total:
        notifications.append(
            {
                "level": "warning",
                "descriptor": {"id": "results-truncated"},
                "message": {
                    "text": f"Only the {kept} most severe of {total} results are included: "
                    f"GitHub code scanning accepts at most {MAX_RESULTS} per run."
                },
            }
        )
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _level(report: Report, finding: Finding) -> str:
    verification = report.verifications.get(finding.fingerprint)
    if report.policy.blocks(finding) or (verification and verification.status == "active"):
        return "error"  # a token its provider confirmed live is an error whatever the policy
    return "note" if finding.confidence == "low" else "warning"


def _message(finding: Finding) -> str:
    # Always the redacted prefix: SARIF is uploaded, even when the user chose --redact none.
    text = f"{finding.rule.name}: {finding.preview} ({finding.confidence} confidence"
    commit = finding.commit
    text += f", in commit {commit.sha[:12]})" if commit else ")"
    return text


def _result(
    report: Report, finding: Finding, index: dict[str, int], hashes: dict[tuple[str, int], str]
) -> dict[str, Any]:
    fingerprints = {SECRET_HASH_KEY: finding.fingerprint}
    hashed = (
        hashes.get((finding.path, finding.line)) if isinstance(finding.origin, InFile) else None
    )
    if hashed is not None:
        fingerprints[LINE_HASH_KEY] = hashed
    properties: dict[str, Any] = {
        "severity": finding.rule.severity,
        "confidence": finding.confidence,
        "blocking": report.policy.blocks(finding),
    }
    commit = commit_fields(finding)
    if commit is not None:
        properties["commit"] = dict(sorted(commit.items()))
    verification = report.verifications.get(finding.fingerprint)
    if verification is not None:
        from pat_scan.verify.record import to_json

        properties["verification"] = to_json(verification)
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index[finding.rule.id],
        "level": _level(report, finding),
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": _physical_location(finding)}],
        "partialFingerprints": fingerprints,
        "properties": properties,
    }
    if finding.suppressed is not None:
        kind = "inSource" if finding.suppressed == "inline marker" else "external"
        result["suppressions"] = [{"kind": kind, "justification": finding.suppressed}]
    return result


def _physical_location(finding: Finding) -> dict[str, Any]:
    return {
        "artifactLocation": artifact_location(finding),
        "region": {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
        },
    }


def artifact_location(finding: Finding) -> dict[str, Any]:
    """Relative paths as percent-encoded URIs against %SRCROOT%; absolute ones as file URIs."""
    path = finding.path
    if path == "-":
        return {"uri": "-", "description": {"text": "standard input"}}
    if isinstance(finding.origin, InMessage):  # not a file in the source tree: no base
        return {"uri": quote(path), "description": {"text": "a commit message"}}
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _directory_uri(directory: Path) -> str:
    return directory.as_uri().rstrip("/") + "/"
