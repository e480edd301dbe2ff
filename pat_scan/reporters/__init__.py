"""Reporters turn a scan result into text, JSON or SARIF. None of them writes a full secret
unless `Report.redact` is false (the user asked for it with `--redact none`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TextIO

from pat_scan.findings import Finding
from pat_scan.rules import Rule
from pat_scan.scan import Policy, Result

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
