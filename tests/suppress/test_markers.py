"""A marker's word test is a shortcut: the reason is the one running every pattern gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pat_scan import rules
from pat_scan.findings import Finding
from pat_scan.suppress import markers

RULE = rules.load(examples=False)[0]
_PIECES = st.sampled_from(
    ["pat-scan: allow", "PAT-SCAN:allow[x]", f"pat-scan: allow[{RULE.id}]", "gitleaks:allow",
     "pragma: allowlist secret", "TruffleHog:Ignore", "kingfisher:ignore", "// nosec",
     "// #nosec G101", "//nolint:gosec", "# nosec", "# nosec B105", "# noqa: S105", "# NOQA:S106",
     " ", "x = 'v'", "#", "//", "\u017f", "\u212a", "pat-\u017fcan: allow", "NOSEC", "G1"]
)  # fmt: skip


def _every_pattern(finding: Finding) -> str | None:
    line = finding.line_text
    for marker in markers._MARKER.finditer(line):
        named = marker.group("rules")
        if named is None or finding.rule.id in {r.strip() for r in named.split(",")}:
            return "inline marker"
    for tool, _, pattern in markers._FOREIGN:
        if pattern.search(line):
            return f"{tool} marker"
    return None


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=8))
def test_the_reason_is_that_of_every_pattern(pieces: list[str]) -> None:
    finding = Finding(RULE, "a.py", 1, 1, 1, 2, "s", "medium", "".join(pieces))
    assert markers.reason(finding) == _every_pattern(finding)
