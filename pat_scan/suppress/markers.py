"""Inline allow markers: a comment on the finding's line that says it is not a secret."""

from __future__ import annotations

import re

from pat_scan import caseless
from pat_scan.findings import Finding

# `pat-scan: allow` or `pat-scan: allow[rule-a, rule-b]`, in any comment syntax.
_MARKER = re.compile(r"pat-scan:\s*allow(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE)
# Other tools' markers that say "this hard-coded credential is intended", so a repository can
# switch scanners without edits: each with the tool named in the reason. A linter's marker
# counts only when it names its hard-coded-credential checks (or names none, for bandit and
# gosec, whose markers silence security findings only): a bare `# noqa` or `# noqa: E501`
# says nothing about secrets (long real ones often carry it).
# Each with a word every match of it holds, in lower case: a pattern whose word the lowered
# line lacks cannot match and is not run (see caseless.lowered; a minified file's findings
# each have a line of kilobytes, which every pattern used to search).
_FOREIGN = (
    ("gitleaks", "gitleaks", re.compile(r"gitleaks:allow", re.I)),
    ("detect-secrets", "pragma", re.compile(r"pragma:\s*allowlist[ -]secret", re.I)),
    ("trufflehog", "trufflehog", re.compile(r"trufflehog:ignore", re.I)),
    ("kingfisher", "kingfisher", re.compile(r"kingfisher:ignore", re.I)),
    (
        "gosec",
        "no",
        re.compile(r"//\s*#?nosec(?:\s+G101\b|\b(?!\s+G\d))|//\s*nolint:[^\n]*\bgosec\b"),
    ),
    (
        "bandit",
        "nosec",
        re.compile(r"#\s*nosec\b(?![:\s]*[A-Z]\d)|#\s*nosec\b[:\s][^\n]*\bB10[567]\b"),
    ),
    ("ruff", "noqa", re.compile(r"#\s*noqa:[^\n#]*\bS10[567]\b", re.I)),
)


def reason(finding: Finding, foreign: bool = True) -> str | None:
    """'inline marker', '<tool> marker' for another tool's (unless not `foreign`), or None."""
    line = finding.line_text
    lowered = caseless.lowered(line)  # None: every pattern is run

    def may_hold(word: str) -> bool:
        return lowered is None or word in lowered

    for marker in _MARKER.finditer(line) if may_hold("pat-scan") else ():
        named = marker.group("rules")
        if named is None or finding.rule.id in {r.strip() for r in named.split(",")}:
            return "inline marker"
    if foreign:
        for tool, word, pattern in _FOREIGN:
            if may_hold(word) and pattern.search(line):
                return f"{tool} marker"
    return None
