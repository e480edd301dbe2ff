"""Location, redaction and identity of findings (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pat_scan.engine.entropy import shannon
from pat_scan.engine.matcher import Match
from pat_scan.findings import MAX_LINE_TEXT, Lines, from_match, identity, locate, redact
from pat_scan.rules import Rule

secrets = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, blacklist_categories=["Cs"]),
    min_size=8,
    max_size=200,
)


@given(secrets)
def test_redaction_never_emits_the_secret(secret: str) -> None:
    shown = redact(secret)
    assert secret not in shown
    assert len(shown) - 1 <= len(secret) // 5


@given(
    st.lists(st.text(alphabet="ab\u00e9\u4e2d ", max_size=20), min_size=1, max_size=20), st.data()
)
def test_locate_agrees_with_splitlines(lines: list[str], data: st.DataObject) -> None:
    text = "\n".join(lines)
    line_index = data.draw(st.integers(0, len(lines) - 1))
    column_index = data.draw(st.integers(0, len(lines[line_index])))
    offset = len("\n".join(lines[:line_index]).encode()) + (1 if line_index else 0)
    offset += len(lines[line_index][:column_index].encode())
    line, column, _ = locate(text.encode(), offset)
    assert (line, column) == (line_index + 1, column_index + 1)


@given(st.text(alphabet="ab \u00e9\u4e2d\U0001f600\r\n", max_size=60), st.data())
def test_from_match_places_the_end_as_locate_does(text: str, data: st.DataObject) -> None:
    """The end is counted on from the start; it must land where locating it from the top of
    the file does, across newlines, CRLF and multibyte characters (any byte offset)."""
    raw = text.encode()
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    rule = Rule("r", "r", "", "low", (), "x", "", "test", "", 10)
    found = from_match(Match(rule, start, end, "s", "low"), raw, "p")
    line, column, _ = locate(raw, start)
    end_line, end_column, _ = locate(raw, end)
    assert (found.line, found.column) == (line, column)
    assert (found.end_line, found.end_column) == (end_line, end_column)


def test_identity_depends_on_rule_and_secret_only() -> None:
    assert identity("r", "s1") == identity("r", "s1")
    assert identity("r", "s1") != identity("r", "s2")
    assert identity("r", "s1") != identity("q", "s1")


@given(st.text(max_size=100))
def test_entropy_bounds(text: str) -> None:
    value = shannon(text)
    assert 0.0 <= value <= max(0.0, __import__("math").log2(max(len(set(text)), 1))) + 1e-9


def test_entropy_known_values() -> None:
    assert shannon("aaaa") == 0.0
    assert shannon("abcd") == 2.0


@given(st.text(alphabet="ab\u00e9\n", max_size=80), st.lists(st.integers(0, 200), max_size=10))
def test_lines_in_any_order_agree_with_locating_each_alone(text: str, offsets: list[int]) -> None:
    raw = text.encode()
    lines = Lines(raw)
    for offset in (min(o, len(raw)) for o in offsets):
        assert lines.locate(offset) == Lines(raw).locate(offset)


class CountedSearches(bytes):
    """Bytes that count the bytes their count() and rfind() calls look at."""

    looked = 0

    def count(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        CountedSearches.looked += (len(self) if end is None else end) - start
        return super().count(sub, start, end)

    def rfind(self, sub, start=0, end=None):  # type: ignore[no-untyped-def,override]
        CountedSearches.looked += (len(self) if end is None else end) - start
        return super().rfind(sub, start, end)


def test_locating_many_findings_looks_at_the_file_about_once() -> None:
    """Before: each finding's line was counted from the top of the file (one token a line,
    4 MB: 82 s)."""
    data = CountedSearches(b"token = 'x'\n" * 50_000)
    lines = Lines(data)
    CountedSearches.looked = 0
    for n in range(50_000):
        assert lines.locate(n * 12 + 9)[0] == n + 1
    assert CountedSearches.looked <= 2 * len(data)


def test_a_file_with_only_carriage_returns_has_lines() -> None:
    """Before: CR-only files (old Mac line ends) put every finding on line 1."""
    assert locate(b"a\rbb\rccc", 6) == (3, 2, 5)
    assert locate(b"a\r\nb", 3) == (2, 1, 3)  # CRLF: lines end at LF, as git sees them


def test_the_text_of_a_long_line_is_bounded_around_the_secret_and_the_line_end() -> None:
    rule = Rule("r", "r", "", "low", (), "x", "", "test", "", 10)
    data = b"a" * 100_000 + b"SECRET" + b"b" * 100_000 + b" # pat-scan: allow\nnext\n"
    found = from_match(Match(rule, 100_000, 100_006, "SECRET", "low"), data, "min.js")
    assert len(found.line_text) <= MAX_LINE_TEXT
    assert "SECRET" in found.line_text and found.line_text.endswith("# pat-scan: allow")
