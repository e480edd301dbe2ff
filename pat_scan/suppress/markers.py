"""Inline allow markers: a comment on the finding's line that says it is not a secret."""

from __future__ import annotations

import re

from pat_scan.findings import Finding

# `pat-scan: allow` or `pat-scan: allow[rule-a, rule-b]`, in any comment syntax; also the markers
# of gitleaks and detect-secrets, so a repository can switch scanners without edits.
_MARKER = re.compile(r"pat-scan:\s*allow(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)
_FOREIGN_MARKERS = ("gitleaks:allow", "pragma: allowlist secret")


def reason(finding: Finding) -> str | None:
    line = finding.line_text
    for marker in _MARKER.finditer(line):
        named = marker.group("rules")
        if named is None or finding.rule.id in {r.strip() for r in named.split(",")}:
            return "inline marker"
    lowered = line.lower()
    if any(marker in lowered for marker in _FOREIGN_MARKERS):
        return "inline marker"
    return None
