"""Why a finding is not reported: inline markers and the configuration's allowlists.

Every step returns a reason, so `--show-suppressed` can say why each candidate was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from pat_scan.findings import Finding

# `pat-scan: allow` or `pat-scan: allow[rule-a, rule-b]`, in any comment syntax.
_MARKER = re.compile(r"pat-scan:\s*allow(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)
# Other tools' markers that say "this hard-coded credential is intended", so a repository can
# switch scanners without edits: each with the tool named in the reason. A linter's marker
# counts only when it names its hard-coded-credential checks (or names none, for bandit and
# gosec, whose markers silence security findings only): a bare `# noqa` or `# noqa: E501`
# says nothing about secrets (long real ones often carry it).
_FOREIGN = (
    ("gitleaks", re.compile(r"gitleaks:allow", re.I)),
    ("detect-secrets", re.compile(r"pragma:\s*allowlist[ -]secret", re.I)),
    ("trufflehog", re.compile(r"trufflehog:ignore", re.I)),
    ("kingfisher", re.compile(r"kingfisher:ignore", re.I)),
    ("gosec", re.compile(r"//\s*#?nosec(?:\s+G101\b|\b(?!\s+G\d))|//\s*nolint:[^\n]*\bgosec\b")),
    ("bandit", re.compile(r"#\s*nosec\b(?![:\s]*[A-Z]\d)|#\s*nosec\b[:\s][^\n]*\bB10[567]\b")),
    ("ruff", re.compile(r"#\s*noqa:[^\n#]*\bS10[567]\b", re.I)),
)


class Allowlist(NamedTuple):
    patterns: tuple[str, ...] = ()  # regexes searched in the secret and in its line
    stopwords: tuple[str, ...] = ()  # substrings of the secret, case-insensitive
    foreign_markers: bool = True  # honour other tools' markers (off: --no-foreign-markers)

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


def marker_reason(finding: Finding, foreign: bool = True) -> str | None:
    line = finding.line_text
    for marker in _MARKER.finditer(line):
        named = marker.group("rules")
        if named is None or finding.rule.id in {r.strip() for r in named.split(",")}:
            return "inline marker"
    if foreign:
        for tool, pattern in _FOREIGN:
            if pattern.search(line):
                return f"{tool} marker"
    return None


def apply(findings: Sequence[Finding], allowlist: Allowlist) -> tuple[list[Finding], list[Finding]]:
    """(reported, suppressed); each suppressed finding carries its reason."""
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        reason = (
            finding.suppressed
            or marker_reason(finding, allowlist.foreign_markers)
            or allowlist.reason(finding)
        )
        if reason is None:
            reported.append(finding)
        else:
            suppressed.append(finding._replace(suppressed=reason))
    return reported, suppressed
