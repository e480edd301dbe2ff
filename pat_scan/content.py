"""What is in one file's bytes: findings in its text as it is, in its encoded parts (base64,
percent-encoding) and, for notebooks, in its cells. Sources and orchestration both call this."""

from __future__ import annotations

from pat_scan import decode, findings
from pat_scan.engine import Match, Matcher
from pat_scan.findings import Finding


def scan_bytes(matcher: Matcher, data: bytes, path: str) -> list[Finding]:
    """Findings in the file as it is, in its encoded parts, and for notebooks in their cells."""
    if path.endswith(".ipynb"):
        found = _scan_notebook(matcher, data, path)
        if found is not None:
            return found
    matches = matcher.scan(data, path)
    decoded: list[Finding] = []
    covered: list[tuple[int, int]] = []  # encoded runs that held findings of their own
    benign: list[tuple[tuple[int, int], str]] = []  # encoded runs that decode to no secret
    for segment in decode.segments(data):
        span = (segment.start, segment.end)
        inside = [
            findings.from_match(m, data, path, span, segment.encoding)
            for m in matcher.scan(segment.decoded, path)
        ]
        if inside:
            decoded.extend(inside)
            covered.append(span)
        else:
            why = decode.benign(segment.decoded)
            if why is not None:
                benign.append((span, why))
    # What the decoded text names (a provider's token, checked) says more than a rule that
    # flags the encoded blob as a whole (a Kubernetes Secret's data value): one secret, once.
    plain = [
        findings.from_match(_unless_benign(m, benign), data, path)
        for m in matches
        if not any(start <= m.start and m.end <= end for start, end in covered)
    ]
    return plain + decoded


def _unless_benign(match: Match, benign: list[tuple[tuple[int, int], str]]) -> Match:
    """A match inside an encoded run that decodes to no secret (a Kubernetes Secret's tls.crt,
    a base64 placeholder) is suppressed, saying why."""
    if match.suppressed is None:
        for (start, end), why in benign:
            if start <= match.start and match.end <= end:
                return match._replace(suppressed=why)
    return match


def _scan_notebook(matcher: Matcher, data: bytes, path: str) -> list[Finding] | None:
    from pat_scan import notebooks

    views = notebooks.views(data)
    if views is None:
        return None
    found: list[Finding] = []
    cursor = 0
    for view in views:
        for match in matcher.scan(view.text, path):
            span = notebooks.place(data, match.secret, cursor)
            cursor = max(cursor, span[0])
            line, _, _ = findings.locate(view.text, match.start)
            found.append(findings.from_match(match, data, path, span, f"{view.label}, line {line}"))
    return found
