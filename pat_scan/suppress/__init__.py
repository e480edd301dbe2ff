"""Why a finding is not reported: inline markers and the configuration's allowlists.

Every step returns a reason, so `--show-suppressed` can say why each candidate was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from pat_scan.findings import Finding

# `pat-scan: allow` or `pat-scan: allow[rule-a, rule-b]`, in any comment syntax; also the markers
# of gitleaks and detect-secrets, so a repository can switch scanners without edits.
_MARKER = re.compile(r"pat-scan:\s*allow(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)
_FOREIGN_MARKERS = ("gitleaks:allow", "pragma: allowlist secret")


class Allowlist(NamedTuple):
    patterns: tuple[str, ...] = ()  # regexes searched in the secret and in its line
    stopwords: tuple[str, ...] = ()  # substrings of the secret, case-insensitive

    def reason(self, finding: Finding) -> str | None:
        secret = finding.secret.lower()
        if any(word.lower() in secret for word in self.stopwords):
            return "stopword"
        if self.patterns:
            import regex  # user patterns may use its syntax; loaded only when there are some

            for pattern in self.patterns:
                compiled = regex.compile(pattern)
                if compiled.search(finding.secret) or compiled.search(finding.line_text):
                    return "allow regex"
        return None


def marker_reason(finding: Finding) -> str | None:
    line = finding.line_text
    for marker in _MARKER.finditer(line):
        named = marker.group("rules")
        if named is None or finding.rule.id in {r.strip() for r in named.split(",")}:
            return "inline marker"
    lowered = line.lower()
    if any(marker in lowered for marker in _FOREIGN_MARKERS):
        return "inline marker"
    return None


def apply(findings: Sequence[Finding], allowlist: Allowlist) -> tuple[list[Finding], list[Finding]]:
    """(reported, suppressed); each suppressed finding carries its reason."""
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        reason = finding.suppressed or marker_reason(finding) or allowlist.reason(finding)
        if reason is None:
            reported.append(finding)
        else:
            suppressed.append(finding._replace(suppressed=reason))
    return reported, suppressed
