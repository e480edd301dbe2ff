"""The configuration's allowlists: regexes and stopwords that say a finding is not a secret."""

from __future__ import annotations

from typing import NamedTuple

from pat_scan.findings import Finding


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
