"""What is in one file's bytes: findings in its text as it is, in its encoded parts (base64,
percent-encoding) and, for notebooks, in its cells. Sources and orchestration both call this.

Every part is linear in the file: the decoded parts are scanned joined, once, however many
there are, and each finding is located in one pass over the file."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from pat_scan import findings
from pat_scan.content import decode, text
from pat_scan.engine import Match, Matcher
from pat_scan.engine.matcher import Within
from pat_scan.findings import Finding, Lines
from pat_scan.rules import MAX_MATCH_WIDTH


def scan_content(
    matcher: Matcher,
    data: bytes,
    pieces: Callable[[], Iterator[bytes]] | None,
    path: str,
    unchecked: Counter[str] | None = None,
    added: Sequence[tuple[int, int]] | None = None,
) -> tuple[list[Finding], int] | None:
    """(findings, bytes read) in a file's content, held whole (`data`) or read in `pieces`;
    None when it is binary. Text in any encoding is scanned as UTF-8. `added`: see
    scan_bytes (content read in pieces is scanned whole)."""
    if pieces is None:
        utf8 = text.scannable(data)
        if utf8 is None:
            return None
        return scan_bytes(matcher, utf8, path, unchecked, added), len(data)
    stream = pieces()
    first = next(stream, b"")
    name = text.encoding(first)
    if name == "binary":
        return None
    size = [0]

    def counted(parts: Iterable[bytes]) -> Iterator[bytes]:
        for part in parts:
            size[0] += len(part)
            yield part

    read = text.utf8_pieces(counted(itertools.chain([first], stream)), name)
    return scan_stream(matcher, read, path, unchecked), size[0]


def scan_bytes(
    matcher: Matcher,
    data: bytes,
    path: str,
    unchecked: Counter[str] | None = None,
    added: Sequence[tuple[int, int]] | None = None,
) -> list[Finding]:
    """Findings in the file as it is, in its encoded parts, and for notebooks in their cells.
    What a rule could not check (a file made of its keywords) is counted in `unchecked`.
    With `added` (1-based, inclusive line ranges a commit adds), the file as it is is
    confirmed and judged on those lines only: findings elsewhere may be missing, and the
    caller keeps those on the added lines."""
    if path.endswith(".ipynb"):
        found = _scan_notebook(matcher, data, path, unchecked)
        if found is not None:
            return found
    lines = Lines(data)
    spans = None if added is None else _byte_spans(data, lines.newline, added)
    if spans == [(0, len(data))]:  # every line added (a new file): a plain scan
        spans = None
    within = None if spans is None else Within(spans, lines.newline)
    matches = matcher.scan(data, path, unchecked=unchecked, within=within)
    decoded, covered, benign = _scan_decoded(
        matcher, data, path, lines, unchecked, bool(matches), spans
    )
    # What the decoded text names (a provider's token, checked) says more than a rule that
    # flags the encoded blob as a whole (a Kubernetes Secret's data value): one secret, once.
    # An encoded part that decodes to no secret (a certificate, a base64 placeholder) makes a
    # match on it suppressed, saying why.
    inside = _Covered(covered)
    harmless = _Covered(benign)
    plain = [
        findings.from_match(_unless_benign(m, harmless), data, path, lines=lines)
        for m in matches
        if inside.label(m) is None
    ]
    return plain + decoded


def _byte_spans(
    data: bytes, newline: bytes, ranges: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Each range of lines (1-based, inclusive, sorted, disjoint) as bytes: [where its first
    line starts, where the line after its last starts), the end of the data if there is none."""
    spans: list[tuple[int, int]] = []
    line, offset = 1, 0  # a line and where it starts, only ever moved forward
    for first, last in ranges:
        start = offset = _skip_lines(data, newline, offset, first - line)
        offset = _skip_lines(data, newline, offset, last + 1 - first)
        line = last + 1
        spans.append((start, offset))
    return spans


def _skip_lines(data: bytes, newline: bytes, offset: int, lines: int) -> int:
    """Where the line `lines` lines after the one at `offset` starts (the end of the data when
    it has fewer). Newlines are counted in C over a window that grows until it holds enough,
    which is then halved down to the one wanted: linear in the bytes skipped, with no step
    per line (a commit's lines at the end of a large file)."""
    size = len(data)
    if lines > size - offset:  # more lines than bytes left: the end, without counting
        return size
    step = 64 * max(lines, 1)
    while lines > 0:  # grow the window until it holds `lines` newlines
        end = min(size, offset + step)
        found = data.count(newline, offset, end)
        if found >= lines:
            break
        if end == size:
            return size
        offset, lines, step = end, lines - found, step * 2
    else:
        return offset
    before = 0  # newlines in data[offset:low]; data[offset:end] holds `lines` or more
    low = offset
    while end - low > 256:
        middle = (low + end) // 2
        found = data.count(newline, low, middle)
        if before + found >= lines:
            end = middle
        else:
            low, before = middle, before + found
    for _ in range(lines - before):
        low = data.find(newline, low, end) + 1
    return low


def _unless_benign(match: Match, benign: _Covered) -> Match:
    if match.suppressed is None:
        why = benign.label(match)
        if why is not None:
            return match._replace(suppressed=why)
    return match


Span = tuple[int, int, str]  # start, end and a label


def _scan_decoded(
    matcher: Matcher,
    data: bytes,
    path: str,
    lines: Lines,
    unchecked: Counter[str] | None,
    labelled: bool,
    spans: Sequence[tuple[int, int]] | None,
) -> tuple[list[Finding], list[Span], list[Span]]:
    """(findings in the decoded parts, placed on the encoded text; the parts that held some;
    the other parts that decode to no secret, with the reason, when `labelled`: they only
    label matches in the file as it is, so a file with none skips asking each part). With
    `spans`, the parts on those bytes' lines only."""
    parts = decode.parts(data, spans)
    if not parts:
        return [], [], []
    found: list[Finding] = []
    covered: set[int] = set()
    for match in matcher.scan(parts.text, path, unchecked=unchecked):
        index = parts.holding(match.start, match.end)
        if index is None:
            continue
        span = parts.span(index)
        found.append(findings.from_match(match, data, path, span, parts.encoding(index), lines))
        covered.add(index)
    benign: list[Span] = []
    for index in range(len(parts)) if labelled else ():
        why = None if index in covered else decode.benign(parts.decoded(index))
        if why is not None:
            benign.append((*parts.span(index), why))
    return found, [(*parts.span(i), "") for i in covered], benign


class _Covered:
    """Labelled spans of the file (encoded parts), asked which one contains a match: of those
    that start at or before it, the one that reaches furthest."""

    def __init__(self, spans: Sequence[Span]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _, _ in ordered]
        self._reach: list[tuple[int, str]] = []
        furthest: tuple[int, str] = (-1, "")
        for _, end, label in ordered:
            furthest = max(furthest, (end, label))
            self._reach.append(furthest)

    def label(self, match: Match) -> str | None:
        """The label of a span that contains `match`, or None."""
        last = bisect_right(self._starts, match.start) - 1
        if last < 0 or self._reach[last][0] < match.end:
            return None
        return self._reach[last][1]


def _scan_notebook(
    matcher: Matcher, data: bytes, path: str, unchecked: Counter[str] | None
) -> list[Finding] | None:
    from pat_scan.content import notebooks

    views = notebooks.views(data)
    if views is None:
        return None
    found: list[Finding] = []
    cursor = 0
    lines = Lines(data)
    for view in views:
        view_lines = Lines(view.text)
        for match in matcher.scan(view.text, path, unchecked=unchecked):
            span = notebooks.place(data, match.secret, cursor)
            cursor = max(cursor, span[0])
            line, _, _ = view_lines.locate(match.start)
            note = f"{view.label}, line {line}"
            found.append(findings.from_match(match, data, path, span, note, lines))
    return found


# What two pieces of a streamed file share: more than the widest match, so a match that crosses
# from one piece into the next is found whole, in the piece where it starts.
OVERLAP = 2 * MAX_MATCH_WIDTH


def scan_stream(
    matcher: Matcher, pieces: Iterable[bytes], path: str, unchecked: Counter[str] | None = None
) -> list[Finding]:
    """Findings in text read piece by piece (content larger than the size limit, which then
    bounds memory instead of leaving the file unscanned). Each piece is scanned after the last
    OVERLAP bytes of the one before; a finding is kept by the piece it starts in, with its line
    and column in the whole text."""
    found: list[Finding] = []
    carry = b""
    lines_before = 0  # lines wholly before the buffer
    columns_before = 0  # characters of the buffer's first line that lie before the buffer
    pending = iter(pieces)
    piece = next(pending, None)
    while piece is not None:
        buffer = carry + piece
        piece = next(pending, None)
        keep = len(buffer) if piece is None else max(0, len(buffer) - OVERLAP)
        lines = Lines(buffer)
        boundary = lines.locate(keep)[:2]
        for finding in scan_bytes(matcher, buffer, path, unchecked):
            if piece is None or (finding.line, finding.column) < boundary:
                found.append(_shifted(finding, lines_before, columns_before))
        newlines = buffer.count(b"\n", 0, keep)
        if newlines:
            line_start = buffer.rfind(b"\n", 0, keep) + 1
            columns_before = len(buffer[line_start:keep].decode("utf-8", "replace"))
        else:
            columns_before += len(buffer[:keep].decode("utf-8", "replace"))
        lines_before += newlines
        carry = buffer[keep:]
    return found


def _shifted(finding: Finding, lines: int, columns: int) -> Finding:
    """A finding of a buffer that starts `lines` lines and `columns` characters into the text."""
    return finding._replace(
        line=finding.line + lines,
        column=finding.column + (columns if finding.line == 1 else 0),
        end_line=finding.end_line + lines,
        end_column=finding.end_column + (columns if finding.end_line == 1 else 0),
    )
