"""Location, redaction and identity of findings (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pat_scan.engine.entropy import shannon
from pat_scan.engine.matcher import Match
from pat_scan.findings import from_match, identity, locate, redact
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
