"""JSON report, schema version 2 (documented in the README, and by report-schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from pat_scan import __version__
from pat_scan.findings import Finding, fingerprint_all
from pat_scan.reporters import Report, commit_fields
from pat_scan.results import Notice

SCHEMA_VERSION = 2
SCHEMA_FILE = Path(__file__).with_name("report-schema.json")  # shipped in the wheel


def write(report: Report, out: TextIO) -> None:
    """The document, its lists (findings, suppressed) one item a line: the C encoder writes
    those, where indenting everything would take Python's (seconds for 100,000 findings)."""
    doc = document(report)
    out.write("{\n")
    for number, (key, value) in enumerate(doc.items()):
        out.write(f"  {json.dumps(key)}: ")
        if isinstance(value, list) and value:
            out.write("[\n    " + ",\n    ".join(map(json.dumps, value)) + "\n  ]")
        else:
            out.write(json.dumps(value))
        out.write(",\n" if number < len(doc) - 1 else "\n")
    out.write("}\n")


def document(report: Report) -> dict[str, Any]:
    result = report.result
    fingerprint_all(
        result.findings + result.suppressed if report.show_suppressed else result.findings
    )
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "pat-scan", "version": __version__},
        "findings": [_finding(report, f) for f in result.findings],
        "stats": {
            "files_scanned": result.stats.files,
            "bytes_scanned": result.stats.bytes,
            "skipped": dict(sorted(result.stats.skipped.items())),
            "findings": len(result.findings),
            "blocking": sum(report.policy.blocks(f) for f in result.findings),
            "suppressed": len(result.suppressed),
            "unscanned": dict(sorted(result.stats.unscanned.items())),
        },
        "complete": result.complete,
        "notices": [_notice(n) for n in result.notices()],
        "stale_baseline": [entry.as_json() for entry in result.stale],
    }
    if report.verifications:
        from pat_scan.verify.run import summary

        doc["verification"] = summary(report.verifications)
    if report.show_suppressed:
        doc["suppressed"] = [
            {**_finding(report, f), "reason": f.suppressed} for f in result.suppressed
        ]
    return doc


def _notice(notice: Notice) -> dict[str, str]:
    item = {"kind": notice.kind, "message": notice.message}
    if notice.path is not None:
        item["path"] = notice.path
    return item


def _finding(report: Report, finding: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {
        "rule_id": finding.rule.id,
        "rule_name": finding.rule.name,
        "severity": finding.rule.severity,
        "confidence": finding.confidence,
        "blocking": report.policy.blocks(finding),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "secret": report.shown_secret(finding),
        "redacted": report.redact,
        "fingerprint": finding.fingerprint,
    }
    if finding.why_low:
        item["why_low"] = finding.why_low
    if finding.note:
        item["note"] = finding.note  # base64, percent-encoded, or the notebook cell and line
    commit = commit_fields(finding)
    if commit is not None:
        item["commit"] = commit
    verification = report.verifications.get(finding.fingerprint)
    if verification is not None:
        from pat_scan.verify.record import to_json

        item["verification"] = to_json(verification)
    return item
