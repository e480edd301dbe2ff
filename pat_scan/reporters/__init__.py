"""Reporters turn a scan result into text, JSON or SARIF. None of them writes a full secret
unless `Report.redact` is false (the user asked for it with `--redact none`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TextIO

from pat_scan.findings import Finding, InFile
from pat_scan.results import Policy, Result
from pat_scan.rules import Rule

FORMATS = ("text", "json", "sarif")


class Report(NamedTuple):
    result: Result
    policy: Policy
    redact: bool = True
    show_suppressed: bool = False
    color: bool = False
    kind: str = "scan"  # scan | hook | history: wording and SARIF category
    rules: tuple[Rule, ...] = ()  # the active rules; SARIF lists them all
    # --verify: fingerprint -> pat_scan.verify.record.Verification (never holds a secret)
    verifications: Mapping[str, Any] = {}

    def shown_secret(self, finding: Finding) -> str:
        return finding.preview if self.redact else finding.secret  # stored: preview anyway


Writer = Callable[[Report, TextIO], None]


def writer(name: str) -> Writer:
    if name == "json":
        from pat_scan.reporters import json_report

        return json_report.write
    if name == "sarif":
        from pat_scan.reporters import sarif

        return sarif.write
    from pat_scan.reporters import text

    return text.write


def commit_fields(finding: Finding) -> dict[str, str | bool | int] | None:
    """What is known of the commit a finding came from, as the JSON and SARIF reports show it:
    `sha`, and for a history scan `author`, `email`, `date`, `present_at_head`, `occurrences`."""
    origin = finding.origin
    if isinstance(origin, InFile):
        return None
    commit = origin.commit
    fields: dict[str, str | bool | int] = {"sha": commit.sha}
    known = {
        "author": commit.author,
        "email": commit.email,
        "date": commit.date,
        "present_at_head": origin.at_head,
        "occurrences": origin.occurrences,
    }
    fields.update({key: value for key, value in known.items() if value is not None})
    return fields
